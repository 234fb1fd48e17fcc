import { expect, test } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

// The results cell for the tasks beyond single-label; each trains briefly on wasm first.
test('camvid_tiny: show_results with predicted and true masks, IoU per class', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await studio.chooseFolder(join(SAMPLES, 'camvid_tiny'));
  await studio.counts();
  await page.getByTestId('tfm-size').fill('32');
  await page.getByTestId('batch-size').fill('16');
  await page.getByTestId('block-build').click();
  await expect(page.getByText('augmented training images at 32px')).toBeVisible({ timeout: 60_000 });
  await train.buildLearner('unet');
  await train.fit(2, '5e-2');
  expect(await train.runEnded()).toBe('done');
  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('iou-row').first()).toBeVisible({ timeout: 120_000 });
  // Every code but Void has a row; IoU is a number in [0, 1] or a dash for a code never seen.
  const rows = await page.getByTestId('iou-row').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-class'), tr.querySelectorAll('td')[1].textContent]));
  expect(rows.map(([name]) => name)).not.toContain('Void');
  expect(rows.map(([name]) => name)).toContain('Background');
  const background = Number(rows.find(([name]) => name === 'Background')![1]);
  expect(background).toBeGreaterThan(0.5);
  // Each shown item has the prediction and the truth side by side, both tinted.
  await expect(page.getByTestId('show-results-item')).toHaveCount(9);
  const first = page.getByTestId('show-results-item').first();
  await expect(first.getByTestId('result-prediction')).toBeVisible();
  await expect(first.getByTestId('result-truth')).toBeVisible();
  await studio.cellShot('results-run', 'results-camvid-segmentation');
  // Predict on a picture from disk: the predicted mask over it and each code's share.
  await page.getByTestId('predict-input').setInputFiles(join(SAMPLES, 'camvid_tiny', 'images', readdirSync(join(SAMPLES, 'camvid_tiny', 'images'))[0]));
  await expect(page.getByTestId('predict-mask')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('prediction')).toContainText(/predicted mask: .*Background \d+%/);
});

test('headpose_tiny at a rectangle (24 high, 40 wide): predicted and true points on the pictures, error histogram', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await studio.chooseFolder(join(SAMPLES, 'headpose_tiny'));
  await studio.counts();
  // The head-pose lesson trains at 120x160; typed as height x width.
  await page.getByTestId('tfm-size').fill('24x40');
  await page.getByTestId('block-build').click();
  await expect(page.getByText('augmented training images at 24×40px')).toBeVisible({ timeout: 60_000 });
  // Tiles keep the pictures' shape: the longer side at 112 px, so 40 wide by 24 high shows as 112 x 67.
  await expect(studio.tiles().first().locator('canvas')).toHaveJSProperty('height', 67);
  await expect(studio.tiles().first().locator('canvas')).toHaveJSProperty('width', 112);
  await studio.cellShot('show-batch', 'show-batch-headpose-24x40');
  await train.buildLearner('smallCnn');
  await train.fit(2, '1e-2');
  expect(await train.runEnded()).toBe('done');
  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('error-histogram')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('error-histogram')).toContainText('distance from the true point');
  await expect(page.getByTestId('show-results-item')).toHaveCount(9);
  await expect(page.getByText(/validation images at 24×40px/)).toBeVisible();
  await expect(page.getByTestId('show-results-item').first().locator('canvas')).toHaveJSProperty('height', 67);
  // Both markers are drawn: the prediction's red and the truth's green.
  const colours = await page
    .getByTestId('show-results-item')
    .first()
    .locator('canvas')
    .evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let green = 0;
      for (let p = 0; p < d.length; p += 4) {
        if (d[p] > 200 && d[p + 1] < 80 && d[p + 2] < 100) red++;
        if (d[p] < 80 && d[p + 1] > 130 && d[p + 2] < 110) green++;
      }
      return { red, green };
    });
  expect(colours.red).toBeGreaterThan(5);
  expect(colours.green).toBeGreaterThan(5);
  const captions = await page.getByTestId('show-results-item').evaluateAll((els) => els.map((e) => e.querySelector('.result-caption')!.textContent));
  captions.forEach((c) => expect(c).toMatch(/^error \d+\.\dpx \/ loss \d\.\d{3}$/));
  await studio.cellShot('results-run', 'results-headpose-points');
  // Dropped on the Predict cell with a text file beside it: the picture is predicted, the text file left out.
  const picture = join(SAMPLES, 'headpose_tiny', 'images', readdirSync(join(SAMPLES, 'headpose_tiny', 'images'))[0]);
  const dropped = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pose.png', { type: 'image/png' }));
    dt.items.add(new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
    return dt;
  }, readFileSync(picture).toString('base64'));
  await page.getByTestId('predict-drop').dispatchEvent('dragover', { dataTransfer: dropped });
  await page.getByTestId('predict-drop').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('prediction')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('prediction')).toContainText(/point at \(0\.\d{3}, 0\.\d{3}\) of the width and height/, { timeout: 60_000 });
  await studio.cellShot('predict-output', 'predict-headpose');
});
