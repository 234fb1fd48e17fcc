import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

/** Console errors and failed responses of a page, to assert that a flow made none. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  return problems;
}

test("nothing leaves the machine: every request off the studio's origin fails, and the whole lesson-3 flow still runs without an error or a 404", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const offOrigin: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    offOrigin.push(url);
    return route.abort('blockedbyclient');
  });
  const problems = watchProblems(page);
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await train.loadMnistTiny(studio);
  // The guessed learner: the built-in ImageNet body, served by the studio itself.
  await train.buildLearner();
  await page.getByTestId('lr-find-iters').fill('20');
  await page.getByTestId('lr-find-run').click();
  await expect(page.getByTestId('lr-suggestion')).not.toHaveCount(0, { timeout: 240_000 });
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('predict-input').setInputFiles([join(SAMPLES, 'mnist_tiny', 'valid', '7', '1096.png')]);
  await expect(page.getByTestId('prediction')).toHaveCount(1, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  expect(offOrigin).toEqual([]);
  expect(problems).toEqual([]);
});

test('faults while training on wasm: Stop within a batch, two clicks on Fit, a rebuild during a fit, and a diverging rate', async ({ page }) => {
  const problems = watchProblems(page);
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  const rowsOfRun = async (run: number) => (await page.getByTestId('epoch-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fit')))).filter((r) => r === String(run)).length;

  // 1. Stop after the first epoch row of a 40-epoch fit whose epochs take a moment: it stops.
  await train.fit(40, '1e-2');
  await expect(page.getByTestId('epoch-row')).toHaveCount(1, { timeout: 120_000 });
  await page.getByTestId('fit-stop').click();
  expect(await train.runEnded(60_000)).toBe('stopped');
  expect(await rowsOfRun(1)).toBeLessThanOrEqual(2);

  // 2. Two quick clicks on Fit: one run, whose rows are numbered 0, 1.
  await page.getByTestId('fit-epochs').fill('2');
  await page.getByTestId('fit-run').dblclick();
  await expect(page.getByTestId('fit-run-output')).toHaveCount(2, { timeout: 60_000 });
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output')).toHaveCount(2);
  expect(await rowsOfRun(2)).toBe(2);

  // 3. Rebuild at a new size during a fit: the page says the fit stops first, and it does.
  await train.fit(40, '1e-2');
  await expect(page.getByTestId('block-build-stops-fit')).toBeVisible();
  await expect.poll(() => rowsOfRun(3), { timeout: 120_000 }).toBeGreaterThan(0);
  await page.getByTestId('tfm-size').fill('24');
  await page.getByTestId('block-build').click();
  expect(await train.runEnded(60_000)).toBe('stopped');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('stopped to rebuild the data block');
  await expect(page.getByTestId('block-progress')).toHaveCount(0, { timeout: 60_000 });

  // 4. lr 1000 diverges: caught, the weights restored, and the page says what to try.
  await train.fit(3, '1000');
  expect(await train.runEnded()).toBe('failed');
  await expect(page.getByTestId('fit-run-output').last()).toContainText(/Training diverged.*10x lower/);
  await studio.cellShot('fit-run', 'reliability-fit-faults');
  // The next fit at a sane rate trains from the restored weights, at the new size.
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('24px');
  expect(problems).toEqual([]);
});

test("soak: 30 fits on one page (fit, stop, rebuild, fit) keep the worker's tensors and the page's heap flat, and every run ends done or stopped", async ({ page }) => {
  const problems = watchProblems(page);
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20;
  };
  const runs = page.getByTestId('fit-run-output');
  const tensors: number[] = [];
  const heap: number[] = [];
  const cycles = 15;
  for (let cycle = 0; cycle < cycles; cycle++) {
    // A long fit, stopped as soon as it trains.
    await train.fit(40, '1e-2');
    await expect(page.getByTestId('progress')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('fit-stop').click();
    expect(await train.runEnded(60_000)).toBe('stopped');
    // A rebuild at another size, then a short fit that ends.
    await page.getByTestId('tfm-size').fill(cycle % 2 === 0 ? '24' : '28');
    await page.getByTestId('block-build').click();
    await expect(page.getByTestId('block-progress')).toHaveCount(0, { timeout: 60_000 });
    await train.fit(1, '1e-2');
    expect(await train.runEnded()).toBe('done');
    tensors.push(Number(await runs.last().getAttribute('data-tensors')));
    heap.push(await heapMb());
  }
  const statuses = await runs.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  console.log(JSON.stringify({ soak: { fits: statuses.length, tensorsAfterEachCycle: tensors, heapMbAfterEachCycle: heap.map((h) => +h.toFixed(1)) } }));
  expect(statuses).toHaveLength(2 * cycles);
  expect(statuses.every((s) => s === 'done' || s === 'stopped')).toBe(true);
  // After a warm-up cycle, the worker holds the same tensors after every fit.
  expect(new Set(tensors.slice(1)).size).toBe(1);
  // The page's heap: no growth beyond what 28 more table rows and loss points take.
  expect(heap.at(-1)!).toBeLessThan(heap[1] * 1.15 + 2);
  expect(problems).toEqual([]);
});

test("previews never depend on the page's GPU: with WebGPU buffers failing and WebGL refused on the page, show_batch still draws real pictures", async ({ page }) => {
  // What a flaky or lost GPU device does to a page: mapping buffers fails, contexts are refused.
  await page.addInitScript(() => {
    const w = window as unknown as { GPUBuffer?: { prototype: { mapAsync: () => Promise<void> } } };
    if (w.GPUBuffer) w.GPUBuffer.prototype.mapAsync = () => Promise.reject(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': A valid external Instance reference no longer exists"));
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, kind: string, ...rest: unknown[]) {
      return kind.startsWith('webgl') ? null : (getContext as (...a: unknown[]) => unknown).call(this, kind, ...rest);
    } as typeof getContext;
  });
  const problems = watchProblems(page);
  const studio = new StudioPage(page);
  await studio.open();
  await studio.loadSample('mnist_tiny');
  const tiles = await studio.batchTiles();
  expect(tiles).toHaveLength(16);
  // Real digits: ink on paper, not blank or black tiles.
  expect(tiles.every((t) => t.std > 20)).toBe(true);
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(problems).toEqual([]);
});
