import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = join(process.cwd(), 'public', 'samples');
export const ARTIFACTS = join(process.cwd(), 'e2e', 'artifacts');

/** Page object for the studio: the actions a person takes, named as they would say them. */
export class StudioPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByTestId('backend')).toHaveText(/webgpu|webgl|cpu/, { timeout: 60_000 });
  }

  /** Chooses a folder through the folder chooser, as a person would in the file dialog. */
  async chooseFolder(path: string): Promise<void> {
    await this.page.getByTestId('folder-input').setInputFiles(path);
  }

  /** Adds loose files (a CSV, codes.txt, a zip) through the file chooser. */
  async addFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(paths);
  }

  async loadSample(name: string): Promise<void> {
    await this.page.getByTestId('sample-select').selectOption(name);
    await this.page.getByTestId('sample-load').click();
  }

  /** Waits for a finished build and returns the summary counts. */
  async counts(): Promise<{ train: number; valid: number; task: string }> {
    await expect(this.page.getByTestId('block-summary')).toBeVisible({ timeout: 90_000 });
    await expect(this.page.getByTestId('block-progress')).toHaveCount(0, { timeout: 90_000 });
    const text = async (id: string) => (await this.page.getByTestId(id).textContent()) ?? '';
    return { train: Number(await text('count-train')), valid: Number(await text('count-valid')), task: await text('task') };
  }

  async classCounts(): Promise<Record<string, [number, number]>> {
    const rows = await this.page.getByTestId('class-count').all();
    const out: Record<string, [number, number]> = {};
    for (const row of rows) {
      const cells = await row.locator('td').allTextContents();
      out[cells[0]] = [Number(cells[1]), Number(cells[2])];
    }
    return out;
  }

  tiles(): Locator {
    return this.page.getByTestId('show-batch-item');
  }

  /** Waits for the batch grid and returns each tile's caption and pixel statistics. */
  async batchTiles(): Promise<TileReport[]> {
    await expect(this.tiles().first()).toBeVisible({ timeout: 90_000 });
    return this.page.getByTestId('show-batch').evaluate((grid) =>
      Array.from(grid.querySelectorAll('[data-testid="show-batch-item"]')).map((fig) => {
        const canvas = fig.querySelector('canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let sum = 0;
        let sumSq = 0;
        let reddish = 0;
        const colours = new Set<number>();
        for (let p = 0; p < data.length; p += 4) {
          const v = (data[p] + data[p + 1] + data[p + 2]) / 3;
          sum += v;
          sumSq += v * v;
          if (data[p] > 200 && data[p + 1] < 80 && data[p + 2] < 100) reddish++;
          colours.add((data[p] >> 4) * 256 + (data[p + 1] >> 4) * 16 + (data[p + 2] >> 4));
        }
        const n = data.length / 4;
        const mean = sum / n;
        return { caption: fig.getAttribute('data-caption') ?? '', mean, std: Math.sqrt(sumSq / n - mean * mean), reddish, colours: colours.size };
      }),
    );
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }
}

/** What a tile looks like, in numbers: a blank tile has std near 0. */
export interface TileReport {
  caption: string;
  mean: number;
  std: number;
  /** Pixels of the point marker's red. */
  reddish: number;
  /** Distinct colours (coarse), to tell a tinted mask from a plain picture. */
  colours: number;
}
