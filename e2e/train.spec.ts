import { expect, test } from '@playwright/test';
import { StudioPage, TrainCells } from './pages/studio';

test('mnist_tiny trains in the worker on WebGPU and the loss falls', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  await train.fit(2, '1e-2');
  await expect(page.getByTestId('progress')).toBeVisible({ timeout: 60_000 });
  expect(await train.runEnded()).toBe('done');
  const rows = await train.rows();
  expect(rows).toHaveLength(2);
  expect(rows[1].train_loss).toBeLessThan(rows[0].train_loss);
  expect(rows[1].valid_loss).toBeLessThan(0.69); // below chance-level cross-entropy, ln 2
  expect(rows[1].accuracy).toBeGreaterThanOrEqual(0.9);
  expect(rows[1].error_rate).toBeCloseTo(1 - rows[1].accuracy, 5);
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await studio.screenshot('train-webgpu-mnist_tiny');
});

test('lesson-3 loop on WebGL: LR finder, click a rate, stop, unfreeze, fit a slice, resize and fit again', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=webgl');
  await expect(page.getByTestId('backend')).toHaveText('webgl', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');

  // LR finder: the curve, named suggestions, and the valley copied into lr-input.
  await page.getByTestId('lr-find-iters').fill('40');
  await page.getByTestId('lr-find-run').click();
  const suggestion = page.getByTestId('lr-suggestion');
  await expect(suggestion).toBeVisible({ timeout: 300_000 });
  await expect(suggestion).toContainText('valley');
  const valley = Number(await suggestion.getAttribute('data-valley'));
  expect(valley).toBeGreaterThan(1e-6);
  expect(valley).toBeLessThan(1);
  expect(Number(await page.getByTestId('lr-input').inputValue())).toBeCloseTo(Number(valley.toExponential(1)), 10);
  const chart = page.getByTestId('lr-find-chart');
  await expect(chart.locator('.xtitle')).toHaveText('learning rate (log scale)');
  await expect(chart.locator('.ytitle')).toHaveText('loss (smoothed)');
  await studio.cellShot('lr-find-chart', 'train-lr-finder');

  // Clicking a point on the curve sets lr-input to that point's rate.
  const before = await page.getByTestId('lr-input').inputValue();
  const points = chart.locator('.scatterlayer .trace').first().locator('.points path');
  const count = await points.count();
  await points.nth(Math.floor(count * 0.3)).click({ force: true });
  await expect(page.getByTestId('lr-input')).not.toHaveValue(before);
  const clicked = Number(await page.getByTestId('lr-input').inputValue());
  expect(clicked).toBeGreaterThan(1e-7);
  expect(clicked).toBeLessThan(10);

  // A long run stopped midway keeps what it learned.
  const longTasks = await watchLongTasks(page);
  await train.fit(5, '1e-2');
  await expect(page.getByTestId('epoch-row')).toHaveCount(1, { timeout: 300_000 });
  await page.getByTestId('fit-stop').click();
  expect(await train.runEnded()).toBe('stopped');
  const afterStop = (await train.rows()).length;
  expect(afterStop).toBeGreaterThanOrEqual(1);
  expect(afterStop).toBeLessThan(5);
  expect(await longTasks()).toEqual([]);

  // Freeze and unfreeze change which groups train; a slice spreads over the groups.
  await page.getByTestId('freeze').click();
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(2);
  await page.getByTestId('unfreeze').click();
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(0);
  await train.fit(1, '1e-4,1e-2');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('slice(1e-4,1e-2)');

  // Progressive resizing: a larger size, the same learner, the history continues.
  await page.getByTestId('tfm-size').fill('36');
  await page.getByTestId('block-build').click();
  await expect(page.getByTestId('show-batch')).toBeVisible();
  await train.fit(1, '1e-3');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('at 36px');
  const rows = await train.rows();
  expect(rows).toHaveLength(afterStop + 2);
  expect(rows.at(-1)!.accuracy).toBeGreaterThan(0.9);
  await studio.cellShot('loss-chart', 'train-loss-chart');
  await studio.screenshot('train-webgl-lesson3');
});

/** Starts recording main-thread long tasks; the returned function lists those over 200 ms. */
async function watchLongTasks(page: import('@playwright/test').Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask' });
  });
  return () => page.evaluate(() => (window as unknown as { __long: number[] }).__long.filter((d) => d > 200));
}
