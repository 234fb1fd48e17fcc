import { expect, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stats } from '../src/core/data/types';
import { readBundle } from '../src/core/project/bundle';
import { unzipBundle } from '../src/core/project/zip';
import { normalizeBatch } from '../src/core/transforms/augment';
import { resizeItem } from '../src/core/transforms/resize';
import { decodeInNode } from '../src/io/node/nodeDecode';
import { readFolder } from '../src/io/node/nodeFiles';
import { expectBeatsBaseline, mostFrequentClass, sampleBaselines } from './baselines';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

test('mnist_tiny trains in the worker on WebGPU and the loss falls', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  // Chosen in the address: on this machine the start-up probe would pick a faster backend.
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('backend')).toHaveText('webgpu', { timeout: 60_000 });
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
  expectBeatsBaseline('mnist_tiny on WebGPU', 'accuracy', rows[1].accuracy, [await mostFrequentClass(page)], 0.35);
  expect(rows[1].error_rate).toBeCloseTo(1 - rows[1].accuracy, 5);
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await studio.screenshot('train-webgpu-mnist_tiny');

  // Export: the zip holds a plain tfjs model that, loaded in Node, scores what the table says.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const zip = new Uint8Array(readFileSync(await download.path()));
  const bundle = readBundle(unzipBundle(zip));
  if ('error' in bundle) throw new Error(bundle.error);
  expect(bundle.manifest.classes).toEqual(['3', '7']);
  expect(bundle.manifest.history).toHaveLength(2);
  const accuracy = await accuracyInNode(bundle.artifacts, bundle.manifest.normalize);
  expect(accuracy).toBeCloseTo(rows[1].accuracy, 5);
});

/** Loads exported artifacts with plain tfjs in Node and scores mnist_tiny's validation images. */
async function accuracyInNode(artifacts: tf.io.ModelArtifacts, stats: Stats): Promise<number> {
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const files = readFolder(join(SAMPLES, 'mnist_tiny')).filter((f) => f.path.startsWith('valid/') && f.path.endsWith('.png'));
  let correct = 0;
  for (const f of files) {
    const { pixels } = resizeItem(await decodeInNode(f), 28, 'crop', null, 'bilinear');
    const x = tf.tidy(() =>
      normalizeBatch(
        tf.tensor4d(
          Float32Array.from(pixels, (v) => v / 255),
          [1, 28, 28, 3],
        ),
        stats,
      ),
    );
    const predicted = (await (model.predict(x) as tf.Tensor).argMax(-1).data())[0];
    x.dispose();
    if (['3', '7'][predicted] === f.path.split('/')[1]) correct++;
  }
  return correct / files.length;
}

test('lesson-3 loop on WebGL: pretrained and frozen, LR finder, click a rate, stop, unfreeze, fit a slice, resize and fit again', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=webgl');
  await expect(page.getByTestId('backend')).toHaveText('webgl', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  // The built-in backbone loads from its URL on this server; like cnn_learner, the body starts frozen.
  await train.buildLearner('pretrained', 'mnist');
  await expect(page.getByTestId('learner-summary')).toContainText('pretrained backbone from /models/mnist-backbone/model.json');
  // fastai's frozen fit (batch norm trains, pictures augmented), not the default fast path: this run is stopped midway.
  await page.getByTestId('fit-fast-head').uncheck();
  const groups = await page.getByTestId('layer-group').count();
  expect(groups).toBeGreaterThanOrEqual(2);
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(groups - 1);
  await studio.cellShot('learner-summary', 'train-learner');

  // LR finder: the curve, named suggestions, and the studio's auto suggestion copied into lr-input.
  // auto probes each candidate with the fit the Fit cell is set to: one epoch here (9 steps), to
  // keep the test short on a software GPU.
  await page.getByTestId('fit-epochs').fill('1');
  await page.getByTestId('lr-find-iters').fill('40');
  await page.getByTestId('lr-find-run').click();
  const suggestion = page.getByTestId('lr-suggestion');
  await expect(suggestion).toBeVisible({ timeout: 300_000 });
  await expect(suggestion).toContainText('valley');
  const valley = Number(await suggestion.getAttribute('data-valley'));
  expect(valley).toBeGreaterThan(1e-6);
  expect(valley).toBeLessThan(1);
  // The studio's own suggestion, auto (the candidate whose probe run ended with the best accuracy),
  // goes into lr-input: one of the suggestions, or a typed rate (1 or 3 per decade) filling a gap.
  const auto = Number(await suggestion.getAttribute('data-auto'));
  const attr = async (name: string) => Number(await suggestion.getAttribute(name));
  const candidates = [valley, 3 * valley, await attr('data-slide'), await attr('data-steep'), await attr('data-minimum')];
  const typed = [1, 3].some((m) => Math.abs(Math.log10(auto / m) - Math.round(Math.log10(auto / m))) < 1e-9);
  expect(candidates.some((c) => Math.abs(c - auto) / c < 1e-9) || typed).toBe(true);
  await expect(page.getByTestId('lr-auto-reason')).toContainText('best accuracy');
  expect(Number(await page.getByTestId('lr-input').inputValue())).toBeCloseTo(Number(auto.toExponential(1)), 10);
  const chart = page.getByTestId('lr-find-chart');
  await expect(chart.locator('.xtitle')).toHaveText('learning rate (log scale)');
  await expect(chart.locator('.ytitle')).toHaveText('loss (smoothed)');
  await studio.cellShot('lr-find-chart', 'train-lr-finder');

  // A click anywhere on the plot area picks the rate under the cursor: left and right of every
  // suggestion, and along the steep part past the valley, where a person picks.
  const area = (await chart.locator('.nsewdrag').first().boundingBox())!;
  const [logLo, logHi] = await chart.evaluate((el) => (el as unknown as { _fullLayout: { xaxis: { range: [number, number] } } })._fullLayout.xaxis.range);
  const pixelOf = (lr: number) => area.x + ((Math.log10(lr) - logLo) / (logHi - logLo)) * area.width;
  const clickAt = async (x: number) => {
    await page.mouse.click(x, area.y + area.height * 0.5);
    return Number(await page.getByTestId('lr-input').inputValue());
  };
  const names = ['data-valley', 'data-slide', 'data-steep', 'data-minimum', 'data-auto'];
  for (const name of names) {
    const lr = await attr(name);
    const left = await clickAt(pixelOf(lr) - 25);
    const right = await clickAt(pixelOf(lr) + 25);
    expect(left, `left of ${name}`).toBeLessThan(lr);
    expect(right, `right of ${name}`).toBeGreaterThan(lr);
  }
  for (const fraction of [0.45, 0.55, 0.65, 0.7, 0.8]) {
    const x = area.x + area.width * fraction;
    const expected = 10 ** (logLo + fraction * (logHi - logLo));
    const picked = await clickAt(x);
    // The box holds the rate to two significant digits.
    expect(Math.abs(Math.log10(picked / expected)), `click at ${fraction} of the plot`).toBeLessThan(0.03);
  }

  // A long run stopped midway keeps what it learned.
  const longTasks = await watchLongTasks(page);
  await train.fit(4, '1e-2');
  await expect(page.getByTestId('epoch-row')).toHaveCount(1, { timeout: 300_000 });
  // While the fit runs, the curves are drawn on a canvas (cheap); the Plotly chart returns after it.
  await expect(page.getByTestId('loss-chart-live')).toBeVisible();
  await expect(page.getByTestId('loss-chart')).toBeHidden();
  await studio.cellShot('loss-chart-live', 'train-loss-live');
  await page.getByTestId('fit-stop').click();
  expect(await train.runEnded()).toBe('stopped');
  await expect(page.getByTestId('loss-chart-live')).toHaveCount(0);
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  const afterStop = (await train.rows()).length;
  expect(afterStop).toBeGreaterThanOrEqual(1);
  expect(afterStop).toBeLessThan(4);
  expect((await train.rows())[0].accuracy).toBeGreaterThan(0.9); // a frozen pretrained body learns fast
  const baseline = [await mostFrequentClass(page)];
  expectBeatsBaseline('mnist_tiny frozen MNIST body, stopped', 'accuracy', (await train.rows())[0].accuracy, baseline, 0.35);
  expect(await longTasks()).toEqual([]);

  // Unfreeze, as the lesson does after the frozen fit; a slice spreads over the groups.
  await page.getByTestId('unfreeze').click();
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(0);
  // One-cycle's knobs, and the schedule they give drawn before the fit: one lr line per layer group with a slice.
  await page.getByTestId('lr-input').fill('1e-4,1e-3');
  await page.locator('[data-testid=fit-cycle] summary').click();
  await page.getByTestId('fit-pct-start').fill('0.3');
  const preview = page.getByTestId('schedule-preview');
  await expect(preview).toBeVisible();
  await expect(preview.locator('.legendtext')).toHaveText([...Array.from({ length: groups }, (_, i) => (i === groups - 1 ? 'lr (head)' : `lr (body ${i + 1})`)), 'momentum']);
  await studio.cellShot('schedule-preview', 'train-schedule-preview');
  await train.fit(1, '1e-4,1e-3');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('fit_one_cycle(1, slice(1e-4,1e-3), pct_start=0.3)');

  // Progressive resizing: a larger size, the same learner, the history continues.
  await page.getByTestId('tfm-size').fill('36');
  await page.getByTestId('block-build').click();
  await expect(page.getByText('augmented training images at 36px')).toBeVisible({ timeout: 60_000 });
  await train.fit(2, '3e-3');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('at 36px');
  const rows = await train.rows();
  expect(rows).toHaveLength(afterStop + 3);
  // The small MNIST backbone learned its features at 28 px. With its batch norm on its running
  // statistics (batchNormMode.ts), digits a third larger keep it near 0.98 (0.986, then 0.979
  // measured; with batch statistics it fell to 0.86-0.9): the model must still be good at 36 px
  // and must be learning there (its training loss falls over the two epochs).
  const [first36, last36] = rows.slice(-2);
  expect(last36.accuracy).toBeGreaterThan(0.85);
  expectBeatsBaseline('mnist_tiny at 36 px', 'accuracy', last36.accuracy, baseline, 0.3);
  expect(last36.train_loss).toBeLessThan(first36.train_loss);
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
  // A freeze guard, not a speed target: the page must never lock up for half a second while the
  // worker trains. The 50 ms responsiveness target is measured by `npm run bench:browser`.
  return () => page.evaluate(() => (window as unknown as { __long: number[] }).__long.filter((d) => d > 500));
}

test('a backbone from dropped model.json + weights files, and the frozen fast path on cached features', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await page.getByTestId('arch').selectOption('pretrained');
  const dir = join(process.cwd(), 'public', 'models', 'mnist-backbone');
  await page.getByTestId('backbone-files').setInputFiles([join(dir, 'model.json'), join(dir, 'weights.bin')]);
  await train.buildLearner();
  await expect(page.getByTestId('learner-summary')).toContainText('pretrained backbone from dropped model.json');
  await page.getByTestId('fit-fast-head').uncheck();
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  expect((await train.rows())[0].accuracy).toBeGreaterThan(0.9);
  const baseline = [await mostFrequentClass(page)];
  expectBeatsBaseline('mnist_tiny dropped MNIST body, frozen', 'accuracy', (await train.rows())[0].accuracy, baseline, 0.35);

  // The frozen fast path: the head trains on the body's cached features, and the model gets it.
  await page.getByTestId('fit-fast-head').check();
  await train.fit(2, '1e-2');
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('head on cached features');
  const rows = await train.rows();
  expect(rows).toHaveLength(3);
  expect(rows[2].accuracy).toBeGreaterThan(0.9);
  expectBeatsBaseline('mnist_tiny dropped MNIST body, fast path', 'accuracy', rows[2].accuracy, baseline, 0.35);
  // Unfrozen, the choice goes away: every layer trains on augmented pictures again.
  await page.getByTestId('unfreeze').click();
  await expect(page.getByTestId('fit-fast-head')).toHaveCount(0);
});

/**
 * planet_tiny at 32 px without augmentation, a small CNN, one-cycle at 1e-2: F2 0.758 after 6 epochs
 * (wasm in Node) against 0.533 for every tag, the best constant guess; 0.47 to 0.50 with the default
 * augmentation, and about the baseline after 2 epochs either way.
 */
const PLANET_EPOCHS = 6;
/** F2 over the best constant guess of tags (every tag, or the tags' frequencies) the fit must reach. */
const PLANET_MARGIN = 0.1;

test.describe('dark colour scheme', () => {
  test.use({ colorScheme: 'dark' });
  test('planet_tiny multi-label: accuracy_thresh and F2 columns, sensible values', async ({ page }) => {
    const studio = new StudioPage(page);
    const train = new TrainCells(page);
    await page.goto('/?backend=wasm');
    await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
    await studio.loadSample('planet_tiny');
    await expect(studio.tiles().first()).toBeVisible({ timeout: 90_000 });
    await page.getByTestId('tfm-size').fill('32');
    // Tiles of digits: a flip or a rotation makes another digit, and 6 epochs on 320 tiles have no
    // time to learn through warp, zoom or lighting. With them the small CNN stays at the baseline.
    for (const id of ['tfm-flip', 'tfm-flip-vert']) await page.getByTestId(id).uncheck();
    for (const [id, v] of [
      ['tfm-rotate', '0'],
      ['tfm-zoom', '1'],
      ['tfm-lighting', '0'],
      ['tfm-warp', '0'],
    ])
      await page.getByTestId(id).fill(v);
    await page.getByTestId('block-build').click();
    await expect(page.getByText('augmented training images at 32px')).toBeVisible({ timeout: 60_000 });
    const shown = await studio.counts();
    // Predicting every tag at 0.2 already scores ~0.5: the baselines come from the same files and split.
    const planet = await sampleBaselines(join(SAMPLES, 'planet_tiny'), (s) => ({ ...s, transforms: { ...s.transforms, size: 32 } }));
    expect({ train: planet.train, valid: planet.valid }).toEqual({ train: shown.train, valid: shown.valid });
    await train.buildLearner('smallCnn');
    await expect(page.getByTestId('thresh')).toHaveValue('0.2');
    await page.getByTestId('lr-find-iters').fill('30');
    await page.getByTestId('lr-find-run').click();
    await expect(page.getByTestId('lr-suggestion')).toBeVisible({ timeout: 300_000 });
    // Click the curve: the rate under the pointer becomes the fit's rate.
    const before = await page.getByTestId('lr-input').inputValue();
    const points = page.getByTestId('lr-find-chart').locator('.scatterlayer .trace').first().locator('.points path');
    await points.nth(Math.floor((await points.count()) * 0.6)).click({ force: true });
    await expect(page.getByTestId('lr-input')).not.toHaveValue(before);
    await train.fit(PLANET_EPOCHS, '1e-2');
    expect(await train.runEnded()).toBe('done');
    const rows = await train.rows();
    expect(rows).toHaveLength(PLANET_EPOCHS);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['train_loss', 'valid_loss', 'accuracy_thresh', 'fbeta', 'time']));
      expect(r.accuracy_thresh).toBeGreaterThan(0);
      expect(r.accuracy_thresh).toBeLessThanOrEqual(1);
      expect(r.fbeta).toBeLessThanOrEqual(1);
    }
    const last = rows[PLANET_EPOCHS - 1];
    expectBeatsBaseline('planet_tiny', 'fbeta', last.fbeta, planet.baselines, PLANET_MARGIN);
    expect(last.valid_loss).toBeLessThan(rows[0].valid_loss);
    // Progressive resizing on the multi-label data too: same learner, 40 px, the table continues.
    await page.getByTestId('tfm-size').fill('40');
    await page.getByTestId('block-build').click();
    await expect(page.getByText('augmented training images at 40px')).toBeVisible({ timeout: 60_000 });
    await train.fit(1, '1e-2');
    expect(await train.runEnded()).toBe('done');
    await expect(page.getByTestId('fit-run-output').last()).toContainText('at 40px');
    expect(await train.rows()).toHaveLength(PLANET_EPOCHS + 1);
    await studio.cellShot('epoch-table', 'train-planet-fit-dark');
    await studio.cellShot('lr-find-chart', 'train-planet-lr-finder-dark');

    // Results: precision / recall / support per tag, and the threshold chart that sets the metric.
    await page.getByTestId('results-run').click();
    await expect(page.getByTestId('tag-row').first()).toBeVisible({ timeout: 120_000 });
    const tags = await page.getByTestId('tag-row').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(tags.length).toBeGreaterThanOrEqual(5);
    for (const [, precision, recall, , support] of tags) {
      if (precision !== '—') expect(Number(precision)).toBeLessThanOrEqual(1);
      if (recall !== '—') expect(Number(recall)).toBeLessThanOrEqual(1);
      expect(Number(support)).toBeGreaterThanOrEqual(0);
    }
    await expect(page.getByTestId('threshold-chart')).toContainText('threshold');
    const fAt = async () => Number(/fbeta (\d\.\d+)/.exec((await page.getByTestId('results-metrics').textContent()) ?? '')![1]);
    const f02 = await fAt();
    // The results' metric at 0.2 is the last epoch's (the 40 px fit), computed again on the same model.
    expect(f02).toBeCloseTo((await train.rows()).at(-1)!.fbeta, 2); // shown with 3 decimals
    // Choose 0.5: the metric line, the learner's threshold field and later epochs use it.
    await page.getByTestId('threshold-input').fill('0.5');
    await page.getByTestId('threshold-apply').click();
    await expect(page.getByTestId('results-metrics')).toHaveAttribute('data-thresh', '0.5', { timeout: 60_000 });
    await expect(page.getByTestId('thresh')).toHaveValue('0.5');
    expect(await fAt()).not.toBeCloseTo(f02, 3);
    const best = Number(/\((\d\.\d+)\)/.exec((await page.getByTestId('threshold-best').textContent()) ?? '')![1]);
    await page.getByTestId('threshold-best').click();
    await expect(page.getByTestId('results-metrics')).toHaveAttribute('data-thresh', String(best), { timeout: 60_000 });
    expect(await fAt()).toBeGreaterThanOrEqual(f02 - 0.02);
    await studio.cellShot('results-run', 'results-planet-multi-dark');
  });
});

test('the ImageNet body: guessed for a picture folder, its cut and scaling shown, fine_tune frozen then unfrozen', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  // Nobody picked an architecture: the guess for single-label pictures is the ImageNet body.
  await expect(page.getByTestId('arch')).toHaveValue('pretrained');
  await expect(page.getByTestId('backbone-body')).toHaveValue('mobilenet_v2');
  await expect(page.getByTestId('backbone-cut')).toHaveValue('block_11_expand_relu');
  await expect(page.getByTestId('backbone-normalization')).toHaveValue('unit');
  // Small for a 2-core machine: the body sees the 28 px pictures at 56 px (the default, 96, makes them 112 px).
  await page.getByTestId('backbone-min-side').fill('56');
  await train.buildLearner();
  await expect(page.getByTestId('learner-body')).toContainText('cut at block_11_expand_relu (576 channels); input scaling [0, 1] (pixel / 255); pictures scaled up 2x inside the model');
  await expect(page.getByTestId('layer-group')).toHaveCount(3);
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(2);
  await studio.cellShot('learner-summary', 'imagenet-learner');

  // fine_tune(1, 1e-2): one frozen epoch on cached features, then one unfrozen with a slice.
  await expect(page.getByTestId('fit-fast-head')).toBeChecked();
  await page.getByTestId('fit-epochs').fill('1');
  await page.getByTestId('lr-input').fill('1e-2');
  await page.getByTestId('fit-fine-tune').click();
  expect(await train.runEnded()).toBe('done');
  await expect(page.getByTestId('fit-run-output').last()).toContainText('fine_tune(1, 1e-2, freeze_epochs=1)');
  const rows = await train.rows();
  expect(rows).toHaveLength(2);
  // The trivial baseline from the summary's counts: always the most frequent training class.
  const baseline = [await mostFrequentClass(page)];
  expectBeatsBaseline('mnist_tiny ImageNet body, frozen epoch', 'accuracy', rows[0].accuracy, baseline, 0.3);
  expectBeatsBaseline('mnist_tiny ImageNet body, unfrozen epoch', 'accuracy', rows[1].accuracy, baseline, 0.3);
  await expect(page.locator('[data-testid=layer-group][data-frozen=true]')).toHaveCount(0);
  await studio.cellShot('fit-runs', 'imagenet-fine-tune');
});
