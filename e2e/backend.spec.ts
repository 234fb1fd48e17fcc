import { expect, test } from '@playwright/test';
import { expectBeatsBaseline, mostFrequentClass } from './baselines';
import { StudioPage, TrainCells } from './pages/studio';

test('the training backend is chosen by a measured step, shown with its timings, and wasm trains mnist_tiny', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/');
  const timings = page.getByTestId('backend-timings');
  await expect(timings).toBeVisible({ timeout: 180_000 });
  const measured = await timings.locator('[data-backend]').evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-backend')!, ms: Number(e.getAttribute('data-ms') || NaN), text: e.textContent! })));
  expect(measured.map((m) => m.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  const chosen = (await page.getByTestId('backend').textContent())!;
  const best = measured.filter((m) => Number.isFinite(m.ms) && !m.text.includes('software'));
  // Without a real GPU here both GPU backends are SwiftShader; the pick is the fastest of the rest.
  if (best.length > 0) expect(chosen).toBe(best.reduce((a, b) => (b.ms < a.ms ? b : a)).name);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-reason', new RegExp(`^${chosen} runs at`));
  await expect(timings.locator('[data-backend="wasm"]')).toHaveText(/\d+ ms \(\d+ threads?\)/);
  await studio.screenshot('backend-probe');

  // wasm, in the browser, trains: the studio's own gradient kernels fill what tfjs-backend-wasm lacks.
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  await train.fit(2, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const rows = await train.rows();
  expect(rows[1].accuracy).toBeGreaterThan(0.9);
  expectBeatsBaseline('mnist_tiny on wasm', 'accuracy', rows[1].accuracy, [await mostFrequentClass(page)], 0.35);
  // The studio is served cross-origin isolated, so wasm runs its threaded build (the pthread
  // workers must start from the bundled factory: see vite.config.ts); the timings say how many.
  const crossOriginIsolated = await page.evaluate(() => self.crossOriginIsolated);
  expect(crossOriginIsolated).toBe(true);
  console.log(
    `wasm in Chromium (crossOriginIsolated ${crossOriginIsolated}): epochs took ${await page.getByTestId('epoch-row').evaluateAll((r) => r.map((x) => x.querySelector('[data-col="time"]')?.textContent).join(', '))}; accuracy ${rows[1].accuracy}`,
  );
});

test('a folder over the memory budget streams: headers only at build, pictures decoded per batch, and wasm still learns', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await studio.loadSample('mnist_tiny');
  await expect(studio.tiles().first()).toBeVisible({ timeout: 90_000 });
  // mnist_tiny needs 2.1 MB decoded at 28 px; a 1 MB budget makes the block stream.
  await page.getByTestId('tfm-size').fill('28');
  await page.getByTestId('tfm-flip').uncheck();
  await page.getByTestId('batch-memory').fill('1');
  await page.getByTestId('block-build').click();
  await expect(page.getByTestId('block-streamed')).toContainText('over the 1 MB memory budget', { timeout: 60_000 });
  await expect(page.getByTestId('block-walk')).toContainText('Headers: 700 images');
  expect(await studio.counts()).toEqual({ train: 560, valid: 140, task: 'single' });
  for (const t of await studio.batchTiles()) expect(t.std).toBeGreaterThan(20);
  await studio.cellShot('block-streamed', 'data-streamed');
  await train.buildLearner('smallCnn');
  await train.fit(2, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const rows = await train.rows();
  console.log(`streamed mnist_tiny on wasm: accuracy ${rows.map((r) => r.accuracy).join(', ')}`);
  expect(rows[1].accuracy).toBeGreaterThan(0.9);
  expectBeatsBaseline('streamed mnist_tiny on wasm', 'accuracy', rows[1].accuracy, [await mostFrequentClass(page)], 0.35);
});
