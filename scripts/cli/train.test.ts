import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { readBundle } from '../../src/core/project/bundle';
import type { DataBlockSpec } from '../../src/core/data/types';
import { expectBeatsBaseline } from '../../src/core/metrics/testing/expectBaseline';
import { fileLoadHandler } from '../../src/io/node/modelFiles';
import { blockBaselines } from '../../src/core/metrics/testing/blockBaselines';
import { gatherFiles, loadSpec } from './data';

const SAMPLE = 'public/samples/mnist_tiny';
const BLOCK = 'scripts/blocks/mnist_tiny.json';

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line as a person would, through `npx tsx`, with a hard time limit. */
function runCli(args: readonly string[], timeoutMs = 240_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/train.ts', ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The spec the command line printed when it guessed the block (`data block: the studio's guess: {...}`). */
function guessedSpec(stderr: string): DataBlockSpec {
  const line = stderr.split('\n').find((l) => l.startsWith("data block: the studio's guess: "));
  expect(line, stderr).toBeDefined();
  return JSON.parse(line!.slice("data block: the studio's guess: ".length)) as DataBlockSpec;
}

/** The last stdout line: the final metrics as JSON. */
function finalOf(r: RunResult): Record<string, number> {
  return JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!) as Record<string, number>;
}

let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-cli-'));
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run train', () => {
  it('trains mnist_tiny for one epoch, prints the table and JSON, and saves a loadable model', async () => {
    const out = join(dir, 'model');
    // Kaggle's test folder: unlabelled digits (validation pictures renamed), predicted after training.
    const testDir = join(dir, 'test');
    mkdirSync(testDir);
    const truth: Record<string, string> = {};
    for (const digit of ['3', '7']) {
      readdirSync(join(SAMPLE, 'valid', digit))
        .slice(0, 10)
        .forEach((f, i) => {
          copyFileSync(join(SAMPLE, 'valid', digit, f), join(testDir, `t${digit}_${i}.png`));
          truth[`t${digit}_${i}`] = digit;
        });
    }
    const r = await runCli(['--folder', SAMPLE, '--arch', 'smallCnn', '--block', BLOCK, '--size', '28', '--epochs', '1', '--lr', '1e-2', '--out', out, '--test', testDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`submission: 20 of 20 test pictures predicted, written to ${join(out, 'submission.csv')}`);
    const submission = readFileSync(join(out, 'submission.csv'), 'utf8').trim().split('\n');
    expect(submission[0]).toBe('id,label');
    expect(submission).toHaveLength(21);
    const right = submission.slice(1).filter((line) => truth[line.split(',')[0]] === line.split(',')[1]).length;
    // Better than one class for every picture (10 of 20).
    expect(right).toBeGreaterThan(15);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^epoch\s+train_loss\s+valid_loss\s+error_rate\s+accuracy\s+time$/);
    expect(lines[1]).toMatch(/^0\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d\d:\d\d$/);
    // Columns line up under their headers, as fastai prints them.
    expect(lines[1].indexOf(lines[1].split(/\s+/)[2])).toBe(lines[0].indexOf('valid_loss'));
    const final = JSON.parse(lines[lines.length - 1]) as Record<string, number>;
    expect(final.epochs).toBe(1);
    expect(final.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(final.error_rate).toBeCloseTo(1 - final.accuracy, 6);

    for (const f of ['model.json', 'weights.bin', 'studio.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'studio.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'image-studio', version: 1, task: 'single', classes: ['3', '7'], inputSize: 28, arch: { name: 'smallCnn' } });
    expect(manifest.history).toHaveLength(1);
    expect(manifest.metrics.accuracy).toBe(final.accuracy);
    // The studio's import reads what the command line wrote.
    const bundle = readBundle(
      Object.fromEntries(
        readdirSync(out)
          .filter((f) => statSync(join(out, f)).isFile())
          .map((f) => [f, new Uint8Array(readFileSync(join(out, f)))]),
      ),
    );
    expect('error' in bundle ? bundle.error : 'ok').toBe('ok');

    const model = await tf.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
    const y = model.predict(tf.zeros([3, 28, 28, 3])) as tf.Tensor;
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(await y.data()).every(Number.isFinite)).toBe(true);
    tf.dispose(y);
    model.dispose();
  });

  it('exits 1 and names the problem when the block asks for a missing CSV column', async () => {
    const spec = JSON.parse(readFileSync(BLOCK, 'utf8'));
    const bad = { ...spec, items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'name' }, label: { kind: 'csvColumn', column: 'digit' } };
    const blockPath = join(dir, 'bad.json');
    writeFileSync(blockPath, JSON.stringify(bad));
    const r = await runCli(['--folder', SAMPLE, '--arch', 'smallCnn', '--block', blockPath, '--epochs', '1', '--lr', '1e-2', '--out', join(dir, 'bad')], 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: labels\.csv, field label\.column: labels\.csv has no column "digit" \(columns: [^)]+\)$/m);
    expect(r.stderr).toMatch(/^error: The data block cannot be built/m);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('exits 2 with the NonFiniteLossError message when the loss becomes NaN', async () => {
    const r = await runCli(['--folder', SAMPLE, '--arch', 'smallCnn', '--block', BLOCK, '--epochs', '1', '--lr', '1e30', '--out', join(dir, 'nan')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: The loss became (NaN|-?Infinity) at epoch 1, batch \d+; .*Try a lower learning rate\.$/m);
    expect(existsSync(join(dir, 'nan'))).toBe(false);
  }, 240_000);

  it('trains planet_tiny multi-label from a CSV given with --csv, F2 and accuracy_thresh above every constant guess of tags', async () => {
    // samples.learn.test's settings: 32 px, no augmentation (a flipped digit is another digit), batch 16.
    const spec = JSON.parse(readFileSync('scripts/blocks/planet_tiny.json', 'utf8')) as DataBlockSpec;
    const block: DataBlockSpec = {
      ...spec,
      transforms: { ...spec.transforms, size: 32, flip: false, flipVert: false, maxRotate: 0, maxWarp: 0, maxZoom: 1, maxLighting: 0 },
      batch: { batchSize: 16, seed: 1 },
    };
    const blockPath = join(dir, 'planet.json');
    writeFileSync(blockPath, JSON.stringify(block));
    const csv = 'public/samples/planet_tiny/labels.csv';
    const r = await runCli(['--folder', 'public/samples/planet_tiny', '--csv', csv, '--block', blockPath, '--arch', 'smallCnn', '--epochs', '6', '--lr', '1e-2', '--out', join(dir, 'planet')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/learner: small CNN, multi task/);
    expect(r.stdout.split('\n')[0]).toMatch(/^epoch\s+train_loss\s+valid_loss\s+accuracy_thresh\s+fbeta\s+time$/);
    const final = finalOf(r);
    expect(final.epochs).toBe(6);
    const baselines = await blockBaselines(loadSpec(blockPath), gatherFiles('public/samples/planet_tiny', csv));
    expectBeatsBaseline('planet_tiny (CLI)', 'fbeta', final.fbeta, baselines, 0.15);
    expectBeatsBaseline('planet_tiny (CLI)', 'accuracy_thresh', final.accuracy_thresh, baselines, 0.1);
    expect(JSON.parse(readFileSync(join(dir, 'planet', 'studio.json'), 'utf8'))).toMatchObject({ task: 'multi', arch: { name: 'smallCnn' } });
  }, 240_000);

  it('trains camvid_tiny segmentation with --arch unet on the guessed block, mean IoU above Background everywhere', async () => {
    // segmentation.learn.test's measured settings at 32 px: bs 4, 6 epochs, 3e-3 (mean IoU 0.115 against 0.086).
    const r = await runCli(['--folder', 'public/samples/camvid_tiny', '--arch', 'unet', '--size', '32', '--bs', '4', '--epochs', '6', '--lr', '3e-3', '--out', join(dir, 'camvid')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/learner: U-Net on smallCnn, segmentation task, 12 classes/);
    expect(r.stdout.split('\n')[0]).toMatch(/^epoch\s+train_loss\s+valid_loss\s+acc_no_void\s+dice\s+mean_iou\s+time$/);
    const final = finalOf(r);
    expect(final.epochs).toBe(6);
    const spec = guessedSpec(r.stderr);
    expect(spec.transforms.size).toBe(32);
    const baselines = await blockBaselines(spec, gatherFiles('public/samples/camvid_tiny'));
    expectBeatsBaseline('camvid_tiny (CLI)', 'mean_iou', final.mean_iou, baselines, 0.02);
    expectBeatsBaseline('camvid_tiny (CLI)', 'dice', final.dice, baselines, 0.02);
    expect(JSON.parse(readFileSync(join(dir, 'camvid', 'studio.json'), 'utf8'))).toMatchObject({ task: 'segmentation', inputSize: 32 });
  }, 240_000);

  it('guesses the block, the learner and the rate when given only a folder, and prints each', async () => {
    const r = await runCli(['--folder', SAMPLE, '--epochs', '1', '--out', join(dir, 'guessed')]);
    expect(r.code, r.stderr).toBe(0);
    const spec = guessedSpec(r.stderr);
    expect(spec).toMatchObject({ items: { kind: 'folder' }, label: { kind: 'parentFolder' }, split: { kind: 'folder', train: 'train', valid: 'valid' } });
    expect(r.stderr).toMatch(/^backend: wasm/m);
    expect(r.stderr).toMatch(/^learner: pretrained backbone from .*mobilenet_v2\/model\.json, body frozen, single task, 2 classes/m);
    expect(r.stderr).toMatch(/^lr finder: valley \S+, slide \S+, steepest \S+, minimum\/10 \S+$/m);
    expect(r.stderr).toMatch(/^lr: \S+, auto: .+$/m);
    const final = finalOf(r);
    expect(final.epochs).toBe(1);
    expectBeatsBaseline('mnist_tiny guessed (CLI)', 'accuracy', final.accuracy, await blockBaselines(spec, gatherFiles(SAMPLE)), 0.3);
  }, 240_000);

  it('--size 16,28 trains at 16 px, then at 28 px with the same learner, numbering the rows on', async () => {
    const out = join(dir, 'progressive');
    const r = await runCli(['--folder', SAMPLE, '--arch', 'smallCnn', '--block', BLOCK, '--size', '16,28', '--epochs', '1', '--lr', '1e-2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^learner: small CNN, .* at 16px/m);
    expect(r.stderr).toMatch(/^size 16: 1 epoch$/m);
    expect(r.stderr).toMatch(/^size 28: rebuilding the data block, keeping the learner$/m);
    expect(r.stderr).toMatch(/^size 28: 1 epoch$/m);
    const lines = r.stdout.trimEnd().split('\n');
    // One header, a row per size numbered on, the JSON line.
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^epoch\s+train_loss/);
    expect(lines[1]).toMatch(/^0\s+\d+\.\d{6}/);
    expect(lines[2]).toMatch(/^1\s+\d+\.\d{6}/);
    const final = finalOf(r);
    expect(final.epochs).toBe(2);
    const manifest = JSON.parse(readFileSync(join(out, 'studio.json'), 'utf8'));
    expect(manifest).toMatchObject({ inputSize: 28 });
    expect(manifest.history).toHaveLength(2);
    expectBeatsBaseline('mnist_tiny 16,28 (CLI)', 'accuracy', final.accuracy, await blockBaselines(loadSpec(BLOCK, { size: 28 }), gatherFiles(SAMPLE)), 0.2);
  }, 240_000);

  it('lr-find prints the curve as a text chart, writes a PNG and ends with the suggestions as JSON', async () => {
    const png = join(dir, 'curve', 'lr.png');
    const r = await runCli(['lr-find', '--folder', SAMPLE, '--block', BLOCK, '--arch', 'smallCnn', '--size', '16', '--png', png]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const plot = lines.filter((l) => /^ {0,9}\S* \|/.test(l));
    // 15 rows of plot, each at most 60 characters past the axis, with the curve and the marks in them.
    expect(plot).toHaveLength(15);
    expect(plot.every((l) => l.length <= 11 + 60)).toBe(true);
    expect(plot.join('').match(/\*/g)!.length).toBeGreaterThanOrEqual(60);
    for (const mark of ['V', 'S', 'T', 'M']) expect(plot.join(''), mark).toContain(mark);
    expect(lines.find((l) => /^ +\+[-+]+$/.test(l))).toBeDefined();
    expect(lines.some((l) => /1e-6 .*1e-3 /.test(l))).toBe(true);
    expect(lines.some((l) => /V valley \S+ {2}S slide \S+ {2}T steep \S+ {2}M minimum\/10 \S+/.test(l))).toBe(true);
    const suggestions = JSON.parse(lines.at(-1)!) as Record<string, number>;
    expect(Object.keys(suggestions).sort()).toEqual(['minimum', 'slide', 'steep', 'valley']);
    for (const v of Object.values(suggestions)) expect(v).toBeGreaterThan(1e-7);
    expect(r.stderr).toContain(`curve written to ${png}`);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([480, 320]);
    // The curve's blue is drawn, on white.
    let blue = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === 31 && image.data[i + 1] === 119 && image.data[i + 2] === 180) blue++;
    expect(blue).toBeGreaterThan(300);
  }, 60_000);
});
