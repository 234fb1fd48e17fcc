import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readBundle } from '../src/core/project/bundle';
import { unzipBundle } from '../src/core/project/zip';
import { normalizeBatch } from '../src/core/transforms/augment';
import { resizeItem } from '../src/core/transforms/resize';
import { decodeInNode } from '../src/io/node/nodeDecode';
import { expectBeatsBaseline, mostFrequentClass } from './baselines';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

const SEVEN = join(SAMPLES, 'mnist_tiny', 'valid', '7', '1096.png');
const THREE_DIR = join(SAMPLES, 'mnist_tiny', 'valid', '3');

/** The probabilities the prediction cell shows for a picture, by class. */
async function shownProbs(page: Page, file: string): Promise<Record<string, number>> {
  // By its path, not its <img>: the picture appears a moment after the prediction, and the newest comes first.
  const item = page.locator(`[data-testid="prediction"][data-path="${file}"]`).first();
  await expect(item).toBeVisible({ timeout: 60_000 });
  return JSON.parse((await item.getAttribute('data-probs')) ?? '{}');
}

async function predict(page: Page, files: string[]): Promise<void> {
  const before = await page.getByTestId('prediction').count();
  await page.getByTestId('predict-input').setInputFiles(files);
  await expect(page.getByTestId('prediction')).toHaveCount(before + files.length, { timeout: 60_000 });
}

test('results, prediction, a correction and fine-tuning, a checkpoint, export, and import into a fresh page', async ({ page, browser }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const [row] = await train.rows();

  // Results: show_results, the confusion matrix with counts and names, most confused, top losses.
  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('show-results-item')).toHaveCount(9, { timeout: 120_000 });
  await expect(page.getByTestId('top-loss-item')).toHaveCount(9);
  await expect(page.getByTestId('confusion-matrix')).toContainText('predicted');
  const cells = await page.getByTestId('confusion-matrix').locator('.annotation-text').allTextContents();
  expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(140);
  const right = Number(cells[0]) + Number(cells[3]);
  expect(right / 140).toBeCloseTo(row.accuracy, 3);
  await expect(page.getByTestId('most-confused')).toBeVisible();
  const losses = await page.getByTestId('top-loss-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-loss'))));
  expect(losses).toEqual([...losses].sort((a, b) => b - a));
  await studio.cellShot('results-run', 'results-mnist-single');
  // plot_top_losses(heatmap=True): Grad-CAM drawn over each top-loss picture when asked.
  const reddish = () =>
    page
      .getByTestId('top-loss-item')
      .first()
      .locator('canvas')
      .evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        // A grey digit has r = g = b; the heat adds red to yellow, with no blue.
        for (let p = 0; p < d.length; p += 4) if (d[p] - d[p + 2] > 40) n++;
        return n;
      });
  expect(await reddish()).toBe(0); // a grey digit: no heat yet
  await page.getByTestId('results-heatmap').check();
  await expect.poll(reddish).toBeGreaterThan(50);
  await studio.cellShot('top-losses', 'results-heatmap');
  await page.getByTestId('results-heatmap').uncheck();

  // A test folder (Kaggle's test/) predicted for a submission: id,label in natural order.
  const testDir = mkdtempSync(join(tmpdir(), 'studio-test-'));
  for (const digit of ['3', '7']) {
    const source = join(SAMPLES, 'mnist_tiny', 'valid', digit);
    readdirSync(source)
      .sort()
      .slice(0, 6)
      .forEach((f, i) => copyFileSync(join(source, f), join(testDir, `t${digit}_${i}.png`)));
  }
  await page.getByTestId('test-input').setInputFiles(testDir);
  await expect(page.getByTestId('test-progress')).toHaveAttribute('data-done', '12', { timeout: 60_000 });
  const preview = (await page.getByTestId('submission-preview').textContent())!.split('\n');
  expect(preview[0]).toBe('id,label');
  expect(preview[1]).toMatch(/^t3_0,[37]$/);
  const [submission] = await Promise.all([page.waitForEvent('download'), page.getByTestId('submission-download').click()]);
  expect(submission.suggestedFilename()).toBe('submission.csv');
  const csv = readFileSync(await submission.path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv).toHaveLength(13);
  const rightInTest = csv.slice(1).filter((line) => line.split(',')[0][1] === line.split(',')[1]).length;
  expect(rightInTest).toBeGreaterThan(6); // more than one class for every picture
  await studio.cellShot('test-set', 'results-submission');

  // Predict pictures chosen from disk: a 7 and two 3s.
  const threes = readdirSync(THREE_DIR)
    .sort()
    .slice(0, 2)
    .map((f) => join(THREE_DIR, f));
  const threeName = basename(threes[0]);
  await predict(page, [SEVEN, ...threes]);
  const sevenBefore = await shownProbs(page, '1096.png');
  expect(sevenBefore['7'] + sevenBefore['3']).toBeCloseTo(1, 4);
  await studio.cellShot('predict-output', 'predict-mnist');

  // Export: the same pictures through the exported model.json in Node give the studio's numbers.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const zip = new Uint8Array(readFileSync(await download.path()));
  const bundle = readBundle(unzipBundle(zip));
  if ('error' in bundle) throw new Error(bundle.error);
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(tf.io.fromMemory(bundle.artifacts));
  for (const [path, name] of [
    [SEVEN, '1096.png'],
    [threes[0], threeName],
  ]) {
    const bytes = new Uint8Array(readFileSync(path));
    const { pixels } = resizeItem(await decodeInNode({ path, size: bytes.length, read: async () => bytes }), 28, 'crop', null, 'bilinear');
    const x = tf.tidy(() =>
      normalizeBatch(
        tf.tensor4d(
          Float32Array.from(pixels, (v) => v / 255),
          [1, 28, 28, 3],
        ),
        bundle.manifest.normalize,
      ),
    );
    const probs = await tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor)).data();
    x.dispose();
    const shown = await shownProbs(page, name);
    expect(probs[0]).toBeCloseTo(shown['3'], 3);
    expect(probs[1]).toBeCloseTo(shown['7'], 3);
  }

  // A named checkpoint, kept in the browser.
  await page.getByTestId('checkpoint-name').fill('stage-1');
  await page.getByTestId('checkpoint-save').click();
  await expect(page.getByTestId('checkpoint-item')).toHaveAttribute('data-name', 'stage-1');

  // Mark the 7 as a 3 (a deliberate mislabel makes the effect plain) and fine-tune with it.
  const seven = page.locator('[data-testid="prediction"][data-path="1096.png"]');
  await seven.getByTestId('correct-label').selectOption('3');
  await seven.getByTestId('mark-wrong').click();
  await expect(page.getByTestId('corrections-count')).toHaveAttribute('data-count', '1');
  await page.getByTestId('fit-epochs').fill('1');
  await page.getByTestId('lr-input').fill('1e-2');
  await page.getByTestId('fine-tune').click();
  await expect(page.getByTestId('fit-run-output')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('fit-run-output').last()).toContainText('with 1 correction');
  expect(await train.runEnded()).toBe('done');
  await predict(page, [SEVEN]);
  const sevenAfter = await shownProbs(page, '1096.png');
  expect(sevenAfter['3']).toBeGreaterThan(sevenBefore['3'] + 0.05);

  // learn.load('stage-1') brings the weights from before fine-tuning back.
  await page.getByTestId('checkpoint-load').click();
  await expect(page.getByTestId('notice')).toContainText('Loaded checkpoint "stage-1"', { timeout: 60_000 });
  await predict(page, [SEVEN]);
  const reloaded = await shownProbs(page, '1096.png');
  expect(reloaded['3']).toBeCloseTo(sevenBefore['3'], 3);
  await page.getByTestId('checkpoint-delete').click();
  await expect(page.getByTestId('checkpoint-item')).toHaveCount(0);

  // Import into a fresh page (a new browser context: nothing saved there): the table and the predictions come back.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto('/?backend=wasm');
  await expect(fresh.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await fresh.getByTestId('import-project').setInputFiles(await download.path().then((p) => ({ name: 'model.zip', mimeType: 'application/zip', buffer: readFileSync(p) })));
  await expect(fresh.getByTestId('notice')).toContainText('Imported a smallCnn single model', { timeout: 60_000 });
  await expect(fresh.getByTestId('epoch-row')).toHaveCount(1);
  expect(await new TrainCells(fresh).rows()).toEqual([row]);
  // The notebook inside the zip names its sample, so the data comes back too, with its block.
  await expect(fresh.getByTestId('loss-chart')).toBeVisible();
  await expect(fresh.getByText('augmented training images at 28px')).toBeVisible({ timeout: 90_000 });
  await predict(fresh, [SEVEN, threes[0]]);
  expect(await shownProbs(fresh, '1096.png')).toEqual(sevenBefore);
  await new StudioPage(fresh).screenshot('import-fresh-page');
  await context.close();
});

test('a reload in the middle of a fit loses nothing: the finished epoch, its weights, then resume', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  // WebGL (about 9 s an epoch here): slow enough that the reload lands in the middle of the fit.
  await page.goto('/?backend=webgl');
  await expect(page.getByTestId('backend')).toHaveText('webgl', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  await train.fit(3, '1e-2');
  await expect(page.getByTestId('autosave-status')).toHaveAttribute('data-epoch', '1', { timeout: 300_000 });
  const [first] = await train.rows();
  // The autosave holds the epoch's weights and the training state a resume needs (Adam's moments, the epoch count).
  const saved = await page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('image-studio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('weights').objectStore('weights').get('latest');
          get.onsuccess = () => resolve(Object.keys(get.result?.files ?? {}));
          get.onerror = () => reject(get.error);
        };
      }),
  );
  expect(saved).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin']));
  await page.reload();

  await expect(page.getByTestId('notice')).toContainText('Restored the notebook', { timeout: 60_000 });
  await expect(page.getByTestId('fit-run-output')).toHaveAttribute('data-status', 'interrupted');
  expect((await train.rows())[0]).toEqual(first);
  // The sample comes back by itself, with the saved data block (28 px, no flips).
  await expect(page.getByText('augmented training images at 28px')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('tfm-flip')).not.toBeChecked();
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await studio.screenshot('reload-restored');
  await page.getByTestId('fit-resume').click();
  await expect(page.getByTestId('fit-run-output')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  expect(await train.runEnded()).toBe('done');
  const rows = await train.rows();
  expect(rows).toHaveLength(3);
  expect(rows[0]).toEqual(first);
  expect(rows[2].accuracy).toBeGreaterThan(0.9);
  expectBeatsBaseline('mnist_tiny resumed after a reload', 'accuracy', rows[2].accuracy, [await mostFrequentClass(page)], 0.35);
});

test('after a reload, a folder of your own is asked for again and matched by path, with the saved data block', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  await studio.chooseFolder(join(SAMPLES, 'mnist_tiny'));
  await studio.counts();
  await page.getByTestId('tfm-size').fill('24');
  await page.getByTestId('block-build').click();
  await expect(page.getByText('augmented training images at 24px')).toBeVisible({ timeout: 60_000 });
  // Autosave writes within a second of the last change.
  await page.waitForTimeout(2_000);
  await page.reload();
  await expect(page.getByTestId('reselect-notice')).toContainText('choose the same folder again', { timeout: 60_000 });
  await expect(page.getByTestId('reselect-notice')).toContainText('701 files of folder mnist_tiny');
  await studio.screenshot('reload-folder-notice');
  await studio.chooseFolder(join(SAMPLES, 'mnist_tiny'));
  await expect(page.getByTestId('reselect-matched')).toHaveAttribute('data-found', '701', { timeout: 60_000 });
  await expect(page.getByTestId('reselect-matched')).toHaveAttribute('data-expected', '701');
  // The block is rebuilt as it was saved: 24 px, not the guessed default.
  await expect(page.getByText('augmented training images at 24px')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('tfm-size')).toHaveValue('24');
});
