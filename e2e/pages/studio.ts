import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = join(process.cwd(), 'public', 'samples');
export const ARTIFACTS = join(process.cwd(), 'e2e', 'artifacts');

/** Page object for the studio: the actions a person takes, named as they would say them. */
export class StudioPage {
  constructor(readonly page: Page) {}

  /** Opens the studio on wasm: the start-up probe (e2e/backend.spec.ts) would cost every test its seconds. */
  async open(): Promise<void> {
    await this.page.goto('/?backend=wasm');
    await expect(this.page.getByTestId('backend')).toHaveText(/webgpu|webgl|wasm|cpu/, { timeout: 60_000 });
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

  /** Screenshots the notebook cell that holds the element with this test id. */
  async cellShot(testId: string, name: string): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.locator('section.cell', { has: this.page.getByTestId(testId) }).screenshot({ path: join(ARTIFACTS, `${name}.png`) });
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

/** The training cells, driven as a person would. */
export class TrainCells {
  constructor(readonly page: Page) {}

  /** Loads mnist_tiny at 28 px (its native size) without flips, and waits for the batch grid. */
  async loadMnistTiny(studio: StudioPage): Promise<void> {
    await studio.loadSample('mnist_tiny');
    await expect(studio.tiles().first()).toBeVisible({ timeout: 90_000 });
    await this.page.getByTestId('tfm-size').fill('28');
    await this.page.getByTestId('tfm-flip').uncheck();
    await this.page.getByTestId('block-build').click();
    await expect(this.page.getByTestId('show-batch')).toBeVisible();
    await expect(this.page.getByTestId('block-progress')).toHaveCount(0, { timeout: 60_000 });
  }

  /** Picks `arch` (and, for a pretrained one, the known `body`), then builds the learner. */
  async buildLearner(arch?: string, body?: string): Promise<void> {
    if (arch) await this.page.getByTestId('arch').selectOption(arch);
    if (body) await this.page.getByTestId('backbone-body').selectOption(body);
    await this.page.getByTestId('learner-build').click();
    await expect(this.page.getByTestId('learner-summary')).toBeVisible({ timeout: 120_000 });
  }

  /** Starts a fit and waits until its run shows on the page (data may be sent to the worker first). */
  async fit(epochs: number, lr: string): Promise<void> {
    const runs = await this.page.getByTestId('fit-run-output').count();
    await this.page.getByTestId('fit-epochs').fill(String(epochs));
    await this.page.getByTestId('lr-input').fill(lr);
    await this.page.getByTestId('fit-run').click();
    await expect(this.page.getByTestId('fit-run-output')).toHaveCount(runs + 1, { timeout: 120_000 });
  }

  /** Waits until the latest run has ended, and returns its status. */
  async runEnded(timeout = 400_000): Promise<string> {
    const last = this.page.getByTestId('fit-run-output').last();
    await expect(last).not.toHaveAttribute('data-status', 'running', { timeout });
    return (await last.getAttribute('data-status')) ?? '';
  }

  /** Every epoch row as numbers by column name. */
  async rows(): Promise<Record<string, number>[]> {
    return this.page.getByTestId('epoch-row').evaluateAll((rows) => rows.map((r) => Object.fromEntries(Array.from(r.querySelectorAll('td[data-col]')).map((td) => [td.getAttribute('data-col'), Number(td.textContent)]))));
  }
}
