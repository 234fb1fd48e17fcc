import { expect, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readBundle } from '../src/core/project/bundle';
import type { TextManifest } from '../src/core/project/textBundle';
import { unzipBundle } from '../src/core/project/zip';
import { tokenize } from '../src/core/text/tokenize';
import Papa from 'papaparse';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

/** The most frequent class's share of the validation texts, counted from the sample's files. */
function mostFrequentValid(sample: string): number {
  const dir = join(SAMPLES, sample, 'valid');
  const counts = readdirSync(dir).map((c) => readdirSync(join(dir, c)).filter((f) => f.endsWith('.txt')).length);
  return Math.max(...counts) / counts.reduce((a, b) => a + b, 0);
}

test('text on spam_tiny (wasm): show_batch, a classifier from scratch beats the most frequent class, results, typed prediction', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await studio.loadSample('spam_tiny');
  const counts = await studio.counts();
  expect(counts).toEqual({ train: 200, valid: 80, task: 'text' });
  expect(Number(await page.getByTestId('text-vocab').getAttribute('data-vocab'))).toBeGreaterThan(100);

  // show_batch: tokenized texts with fastai's special tokens, and the LM's input beside its target.
  const items = page.getByTestId('show-batch-item');
  await expect(items.first()).toBeVisible();
  await expect(items.first()).toContainText('xxbos');
  await expect(page.getByTestId('show-batch')).toContainText('xxmaj');
  await expect(page.getByTestId('show-batch-lm-item').first()).toBeVisible();
  await studio.cellShot('show-batch', 'text-show-batch');

  await page.getByTestId('text-route-scratch').click();
  await expect(page.getByTestId('learner-summary')).toContainText('classifier from scratch');
  // fine_tune and the cached-features fast path belong to pretrained image bodies: not offered for text.
  await expect(page.getByTestId('fit-run')).toBeEnabled();
  await expect(page.getByTestId('fit-fine-tune')).toHaveCount(0);
  await train.fit(2, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const rows = await train.rows();
  expect(rows).toHaveLength(2);
  const baseline = mostFrequentValid('spam_tiny');
  console.log(`text e2e: accuracy ${rows.map((r) => r.accuracy).join(', ')} vs most frequent class ${baseline}; seconds per epoch ${rows.map((r) => r.time).join(', ')}`);
  expect(rows[1].accuracy).toBeGreaterThan(baseline + 0.1);
  await studio.cellShot('epoch-table', 'text-epochs');

  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible({ timeout: 60_000 });
  const cells = (await page.getByTestId('confusion-cell').allTextContents()).map(Number);
  expect(cells.reduce((a, b) => a + b, 0)).toBe(80);
  await expect(page.getByTestId('top-losses').getByTestId('text-result').first()).toBeVisible();
  await studio.cellShot('confusion-matrix', 'text-results');

  const typed = 'FREE MONEY!!! Click here now to claim your prize, limited offer, order today';
  await page.getByTestId('predict-input').fill(typed);
  await page.getByTestId('predict-run').click();
  const out = page.getByTestId('predict-output');
  await expect(out).toBeVisible({ timeout: 60_000 });
  const probs = await page.getByTestId('predict-prob').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-prob'))));
  expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  console.log(`text e2e: typed spam predicted ${await out.getAttribute('data-top')} (${probs.join(', ')})`);
  await studio.cellShot('predict-output', 'text-predict');

  // Export: a zip of the plain-tfjs classifier; in Node, its model.json and studio.json give the probabilities shown above.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const files = unzipBundle(new Uint8Array(readFileSync(await download.path())));
  console.log(`text e2e: export ${download.suggestedFilename()}: ${Object.keys(files).sort().join(', ')}`);
  expect(Object.keys(files)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'studio.json', 'README.md']));
  const studioJson = JSON.parse(new TextDecoder().decode(files['studio.json'])) as TextManifest;
  expect(studioJson.kind).toBe('text');
  expect(new TextDecoder().decode(files['README.md'])).toContain('function tokenize(text)');
  // readBundle refuses a text studio.json (the studio imports image projects), so the model is read from its two files.
  expect('error' in readBundle(files)).toBe(true);
  const mj = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON;
  const w = files['weights.bin'];
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(tf.io.fromMemory(tf.io.getModelArtifactsForJSONSync(mj, tf.io.getWeightSpecs(mj.weightsManifest), w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer)));
  const stoi = new Map<string, number>();
  studioJson.text.itos.forEach((t, i) => stoi.has(t) || stoi.set(t, i));
  const ids = tokenize(typed)
    .map((t) => stoi.get(t) ?? studioJson.text.unkIdx)
    .slice(0, studioJson.text.maxLen);
  const exported = Array.from(await (model.predict(tf.tensor2d([ids], [1, ids.length], 'int32')) as tf.Tensor).data());
  console.log(`text e2e: exported model in Node ${exported.map((p) => p.toFixed(4)).join(', ')} vs shown ${probs.join(', ')}`);
  exported.forEach((p, i) => expect(p).toBeCloseTo(probs[i], 3));
});

test('text ULMFiT route (wasm): the language model starts from the shipped pretrained one, frozen, and continues a prompt', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  await studio.loadSample('spam_tiny');
  await page.getByTestId('text-route-ulmfit').click();
  const summary = page.getByTestId('learner-summary');
  await expect(summary).toContainText('AWD-LSTM language model', { timeout: 60_000 });
  // The summary says where the weights came from and how much of this vocabulary the model knew.
  const body = (await summary.textContent()) ?? '';
  const [, known, total] = body.match(/it knew (\d+) of the (\d+) words/) ?? [];
  const [, glove] = body.match(/and (\d+) more start from their GloVe vectors/) ?? [];
  expect(body).toContain('pretrained on');
  // Most words start from a pretrained row: its own vocabulary's, or its extra GloVe rows (the
  // vocabulary keeps a word it knows from one occurrence, so many are rare ones).
  expect(Number(known)).toBeGreaterThan(0.3 * Number(total));
  expect(Number(known) + Number(glove)).toBeGreaterThan(0.75 * Number(total));
  // fastai's language_model_learner starts frozen: the LSTMs wait, the embedding and decoder train.
  const frozen = await page.getByTestId('learner-group').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
  expect(frozen.slice(0, -1).every((r) => r.includes('frozen'))).toBe(true);
  expect(frozen.at(-1)).not.toContain('frozen');
  await page.getByTestId('predict-input').fill('The government of the United States');
  await page.getByTestId('predict-run').click();
  const generated = page.getByTestId('generated');
  await expect(generated).toBeVisible({ timeout: 60_000 });
  const words = ((await generated.textContent()) ?? '').split(/\s+/).filter((w) => /^[a-z]+$/.test(w));
  // Before any fine-tuning the pretrained model already writes English words, not unknowns.
  expect(words.length).toBeGreaterThan(10);
  await studio.cellShot('learner-summary', 'text-ulmfit-pretrained');

  // ULMFiT's route to the end: the language model fine-tuned one epoch, then the classifier on its
  // encoder by the ULMFiT button, at the studio's small-data rates (its default).
  const train = new TrainCells(page);
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  await page.getByTestId('text-build-classifier').click();
  const form = page.getByTestId('ulmfit');
  await expect(form).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('ulmfit-rates')).toHaveValue('small');
  await expect(form.locator('li').last()).toHaveText('unfreeze() · fit_one_cycle(9, 1e-2)');
  await page.getByTestId('ulmfit-epochs').fill('1');
  await expect(form.locator('li')).toHaveText(['freeze() · fit_one_cycle(1, 2e-2)', 'freeze_to(-2) · fit_one_cycle(1, 1e-2)', 'freeze_to(-3) · fit_one_cycle(1, 5e-3)', 'unfreeze() · fit_one_cycle(1, 1e-2)']);
  await studio.cellShot('ulmfit', 'text-ulmfit-form');
  await page.getByTestId('ulmfit-run').click();
  await expect(page.getByTestId('fit-run-output')).toHaveCount(2, { timeout: 60_000 });
  expect(await train.runEnded()).toBe('done');
  const rows = (await train.rows()).slice(1);
  const baseline = mostFrequentValid('spam_tiny');
  console.log(`text e2e: ULMFiT stages' accuracy ${rows.map((r) => r.accuracy).join(', ')} vs most frequent class ${baseline}`);
  expect(rows).toHaveLength(4);
  expect(rows[3].accuracy).toBeGreaterThan(baseline + 0.1);
  // Every group trains by the last stage: none is frozen.
  expect(await page.getByTestId('learner-group').evaluateAll((rows) => rows.map((g) => g.getAttribute('data-frozen')))).toEqual(['false', 'false', 'false', 'false']);
  await expect(page.getByTestId('fit-run-output').last()).toContainText('unfreeze() · fit_one_cycle(1, 1e-2)');
  await studio.cellShot('fit-runs', 'text-ulmfit-run');
});

/** "Every tag on every text": its sample-averaged F2 on the CSV's validation rows (fastai's FBetaMulti, 0 for a text with no tag). */
function everyTagF2(csvPath: string): { f2: number; tags: string[] } {
  const rows = Papa.parse<Record<string, string>>(readFileSync(csvPath, 'utf8'), { header: true, skipEmptyLines: true }).data;
  const tags = [...new Set(rows.flatMap((r) => r.tags.split(' ').filter(Boolean)))].sort();
  const valid = rows.filter((r) => r.is_valid === 'True');
  const f = valid.map((r) => {
    const n = r.tags.split(' ').filter(Boolean).length;
    const [p, rec] = [n / tags.length, n > 0 ? 1 : 0];
    return p + rec > 0 ? (5 * p * rec) / (4 * p + rec) : 0;
  });
  return { f2: f.reduce((a, b) => a + b, 0) / f.length, tags };
}

test('multi-label text on spam_tags_tiny (wasm): tags in show_batch, F2 above every tag, per-tag results, typed text gets its tags', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await studio.open();
  await studio.loadSample('spam_tags_tiny');
  expect(await studio.counts()).toEqual({ train: 240, valid: 80, task: 'text, multi-label' });
  await expect(page.getByTestId('task')).toHaveAttribute('data-task', 'multi');
  await expect(page.getByTestId('text-spec-separator')).toHaveValue(' ');
  const labels = await page.getByTestId('show-batch-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-label') ?? ''));
  expect(labels.some((l) => l.includes(';'))).toBe(true);
  await studio.cellShot('show-batch', 'text-tags-show-batch');

  await page.getByTestId('text-route-scratch').click();
  await expect(page.getByTestId('learner-summary')).toContainText('classifier from scratch');
  await train.fit(3, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const last = (await train.rows()).at(-1)!;
  const baseline = everyTagF2(join(SAMPLES, 'spam_tags_tiny', 'emails.csv'));
  console.log(`text tags e2e: F2 ${last.fbeta}, accuracy_thresh ${last.accuracy_thresh} vs every tag F2 ${baseline.f2.toFixed(3)}`);
  expect(last.fbeta).toBeGreaterThan(baseline.f2 + 0.02);

  await page.getByTestId('results-run').click();
  await expect(page.getByTestId('tag-stats')).toBeVisible({ timeout: 60_000 });
  expect(await page.getByTestId('tag-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')))).toEqual(baseline.tags);
  expect(Number(await page.getByTestId('results-metrics').getAttribute('data-fbeta'))).toBeCloseTo(last.fbeta, 2);
  // The best threshold of the sweep becomes the results' and Predict's threshold.
  const best = page.getByTestId('threshold-best');
  const bestThresh = Number(/\(([\d.]+)\)/.exec((await best.textContent()) ?? '')![1]);
  if (bestThresh !== 0.2) {
    await best.click();
    await expect(page.getByTestId('results-metrics')).toHaveAttribute('data-thresh', String(bestThresh), { timeout: 60_000 });
  }
  await studio.cellShot('tag-stats', 'text-tags-results');

  await page.getByTestId('predict-input').fill('Re: [ILUG] kernel compile question\n\nThanks for the reply, I will try that on my box tonight.');
  await page.getByTestId('predict-run').click();
  await expect(page.getByTestId('predict-tags')).toBeVisible({ timeout: 60_000 });
  const probs = await page.getByTestId('predict-prob').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-prob'))));
  const top = ((await page.getByTestId('predict-output').getAttribute('data-top')) ?? '').split(';').filter(Boolean);
  // Sigmoids: each tag on its own, shown exactly when its probability is over the threshold.
  expect(top).toEqual(baseline.tags.filter((_, k) => probs[k] > bestThresh));
  await expect(page.getByTestId('predict-tags')).toContainText(`over ${bestThresh.toFixed(2)}`);
  console.log(`text tags e2e: typed reply tagged ${top.join(' ')} (${probs.join(', ')})`);
  await studio.cellShot('predict-output', 'text-tags-predict');
});
