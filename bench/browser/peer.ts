/**
 * Item 3: a peer on the same data. ml5.js `neuralNetwork({ task: 'imageClassification' })` with
 * its defaults (two 5x5 conv + max-pool blocks and a softmax dense layer, SGD at 0.02, 10 epochs
 * of batch 32, 10% of the training set held out by tfjs, the backend tfjs picks) against the
 * studio with its defaults (mnist_tiny as the sample picker loads it, the default learner, the
 * LR finder's suggestion, fit_one_cycle for the default 3 epochs), both on mnist_tiny's 560
 * training and 140 validation pictures in the same headless Chromium.
 *
 * ml5.js is not a dependency of the studio: the bench takes `dist/ml5.min.js` from the npm
 * registry's tarball (`npm pack ml5@1.4.0`) into `bench/.cache/` on first use.
 * Clocks: ml5's starts at `ml5.neuralNetwork(...)` with the pictures already decoded and stops at
 * each epoch end; the validation accuracy it reaches there is measured by `classify` on each of
 * the 140 validation pictures, and the time that takes is left off ml5's clock. The studio's
 * clock starts when the LR finder is pressed (data block and learner built) and stops when each
 * epoch row appears (its validation pass included).
 */
import type { Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as studio from './studio';

export const ML5_VERSION = '1.4.0';
const TARGET = 0.95;

/** One point of a learning curve: seconds on the run's clock, validation accuracy then. */
export interface CurvePoint {
  readonly seconds: number;
  readonly accuracy: number;
}

export interface PeerSide {
  readonly ok: boolean;
  readonly error?: string;
  /** What ran: backend, model, optimizer, epochs. */
  readonly setup: string;
  readonly curve: readonly CurvePoint[];
  /** Seconds to the first epoch at or above 95% validation accuracy; null when never reached. */
  readonly secondsTo95: number | null;
}

export interface PeerResult {
  readonly ml5Version: string;
  readonly ml5: PeerSide;
  readonly studio: PeerSide;
  /** The shorter of the two runs' lengths, and each side's accuracy by then. */
  readonly equalSeconds: number | null;
  readonly ml5AtEqual: number | null;
  readonly studioAtEqual: number | null;
}

/** `dist/ml5.min.js` of ml5 `ML5_VERSION`, fetched once from the npm registry. */
export function ml5Script(): string {
  const dir = join(process.cwd(), 'bench', '.cache', `ml5-${ML5_VERSION}`);
  const script = join(dir, 'ml5.min.js');
  if (existsSync(script)) return script;
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'ml5-'));
  try {
    execFileSync('npm', ['pack', `ml5@${ML5_VERSION}`, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('tar', ['xzf', join(tmp, `ml5-${ML5_VERSION}.tgz`), '-C', tmp, 'package/dist/ml5.min.js']);
    execFileSync('cp', [join(tmp, 'package', 'dist', 'ml5.min.js'), script]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return script;
}

/** mnist_tiny's files from its labels.csv: path, label, validation or not. */
function mnistTinyFiles(): { path: string; label: string; valid: boolean }[] {
  const csv = readFileSync(join(process.cwd(), 'public', 'samples', 'mnist_tiny', 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return csv.map((line) => {
    const [path, label, valid] = line.split(',');
    return { path, label, valid: valid.trim() === 'True' };
  });
}

/**
 * What runs in the ml5 page, as a string: functions handed to the page are serialised, and tsx's
 * transform adds helpers (`__name`) the page does not have. Decodes mnist_tiny, trains ml5's
 * image classifier with its defaults, and measures validation accuracy at each epoch end.
 */
const ML5_PAGE_SCRIPT = `async ({ base, files }) => {
  const ml5 = window.ml5;
  // A canvas per picture, as ml5's own examples pass p5 images: ml5 reads the pixels itself.
  const pixels = async (path) => {
    const bitmap = await createImageBitmap(await (await fetch(base + '/samples/mnist_tiny/' + path)).blob());
    const canvas = document.createElement('canvas');
    canvas.width = 28;
    canvas.height = 28;
    canvas.getContext('2d').drawImage(bitmap, 0, 0, 28, 28);
    return canvas;
  };
  const train = [];
  const valid = [];
  for (const f of files) (f.valid ? valid : train).push({ image: await pixels(f.path), label: f.label });
  await ml5.tf.ready();
  const started = performance.now();
  let leftOff = 0;
  const curve = [];
  const nn = ml5.neuralNetwork({ task: 'imageClassification', inputs: [28, 28, 4] });
  for (const d of train) nn.addData({ image: d.image }, { label: d.label });
  nn.normalizeData();
  // classify() one picture at a time: ml5's classifyMultiple does not batch image inputs.
  const accuracy = async () => {
    let right = 0;
    for (const d of valid) if ((await nn.classify({ image: d.image }))[0].label === d.label) right++;
    return right / valid.length;
  };
  const error = await new Promise((resolve) => nn.train(async () => {
    const at = performance.now();
    const acc = await accuracy();
    curve.push({ seconds: (at - started - leftOff) / 1000, accuracy: acc });
    leftOff += performance.now() - at;
  }, (err) => resolve(err ? String(err && err.stack || err) : null)));
  return { curve, error, backend: ml5.tf.getBackend(), train: train.length, valid: valid.length };
}`;

const firstAt = (curve: readonly CurvePoint[], target: number) => curve.find((p) => p.accuracy >= target)?.seconds ?? null;
const accuracyBy = (curve: readonly CurvePoint[], seconds: number) => curve.filter((p) => p.seconds <= seconds + 1e-9).at(-1)?.accuracy ?? null;

/** Runs both sides on fresh pages and compares them. */
export async function benchPeer(browser: Browser, base: string, newPage: (b: Browser) => Promise<Page>, log: (...a: unknown[]) => void): Promise<PeerResult> {
  const ml5 = await ml5Side(browser, base, newPage, log);
  const mine = await studioSide(browser, base, newPage, log);
  const ends = [ml5.curve.at(-1)?.seconds, mine.curve.at(-1)?.seconds].filter((s): s is number => s !== undefined);
  const equalSeconds = ends.length === 2 ? Math.min(...ends) : null;
  return {
    ml5Version: ML5_VERSION,
    ml5,
    studio: mine,
    equalSeconds,
    ml5AtEqual: equalSeconds === null ? null : accuracyBy(ml5.curve, equalSeconds),
    studioAtEqual: equalSeconds === null ? null : accuracyBy(mine.curve, equalSeconds),
  };
}

async function ml5Side(browser: Browser, base: string, newPage: (b: Browser) => Promise<Page>, log: (...a: unknown[]) => void): Promise<PeerSide> {
  const page = await newPage(browser);
  try {
    const script = ml5Script();
    // A same-origin page of the preview server, so the samples can be fetched; ml5 alone on it.
    await page.goto(`${base}/samples/index.json`);
    await page.setContent('<!doctype html><html><body><p>ml5.js peer</p></body></html>');
    await page.addScriptTag({ path: script });
    log(`peer: ml5.js ${ML5_VERSION} loaded; training with its defaults`);
    const out = (await page.evaluate(`(${ML5_PAGE_SCRIPT})(${JSON.stringify({ base, files: mnistTinyFiles() })})`)) as { curve: CurvePoint[]; error: string | null; backend: string; train: number; valid: number };
    if (out.error) throw new Error(`ml5 training failed: ${out.error}`);
    log(`peer: ml5 on ${out.backend}: ${out.curve.map((p) => `${p.seconds.toFixed(1)} s ${p.accuracy.toFixed(3)}`).join(', ')}`);
    return {
      ok: true,
      setup: `ml5.js ${ML5_VERSION} on ${out.backend} (tfjs's pick), ${out.train} pictures (10% held out by tfjs), 28 px RGBA, conv 8 → pool → conv 16 → pool → dense softmax, SGD lr 0.02, 10 epochs, batch 32`,
      curve: out.curve,
      secondsTo95: firstAt(out.curve, TARGET),
    };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0], setup: `ml5.js ${ML5_VERSION}`, curve: [], secondsTo95: null };
  } finally {
    await page.context().close();
  }
}

async function studioSide(browser: Browser, base: string, newPage: (b: Browser) => Promise<Page>, log: (...a: unknown[]) => void): Promise<PeerSide> {
  const page = await newPage(browser);
  try {
    await studio.open(page, base);
    // The studio's default backend is the start-up probe's pick: wait for it.
    await studio.probeTimings(page);
    const backend = ((await page.getByTestId('backend').textContent()) ?? '').trim();
    await page.getByTestId('sample-select').selectOption('mnist_tiny');
    await page.getByTestId('sample-load').click();
    await page.getByTestId('show-batch-item').first().waitFor({ timeout: 90_000 });
    const size = await page.getByTestId('tfm-size').inputValue();
    const arch = await page.getByTestId('arch').inputValue();
    await page.getByTestId('learner-build').click();
    await page.getByTestId('learner-summary').waitFor({ timeout: 120_000 });
    const epochs = Number(await page.getByTestId('fit-epochs').inputValue());
    const started = Date.now();
    await page.getByTestId('lr-find-run').click();
    await page.getByTestId('lr-suggestion').waitFor({ timeout: 300_000 });
    const lr = await page.getByTestId('lr-input').inputValue();
    await page.getByTestId('fit-run').click();
    const curve: CurvePoint[] = [];
    for (;;) {
      const rows = await studio.epochRows(page);
      for (const r of rows.slice(curve.length)) curve.push({ seconds: (Date.now() - started) / 1000, accuracy: r.accuracy });
      const status = await page
        .getByTestId('fit-run-output')
        .last()
        .getAttribute('data-status')
        .catch(() => 'running');
      if (status && status !== 'running' && rows.length === curve.length) break;
      if (Date.now() - started > 600_000) throw new Error('the studio did not finish within 10 minutes');
      await page.waitForTimeout(100);
    }
    log(`peer: studio on ${backend}: ${curve.map((p) => `${p.seconds.toFixed(1)} s ${p.accuracy.toFixed(3)}`).join(', ')}`);
    return {
      ok: true,
      setup: `the studio on ${backend} (its probe's pick), mnist_tiny as loaded (${size} px, default augmentation), ${arch}, LR finder (100 iterations) then fit_one_cycle(${epochs}, ${lr}) with the valley suggestion`,
      curve,
      secondsTo95: firstAt(curve, TARGET),
    };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0], setup: 'the studio', curve: [], secondsTo95: null };
  } finally {
    await page.context().close();
  }
}
