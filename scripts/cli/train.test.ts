import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../src/core/project/bundle';
import { fileLoadHandler } from '../../src/io/node/modelFiles';

const SAMPLE = 'public/samples/mnist_tiny';
const BLOCK = 'scripts/blocks/mnist_tiny.json';

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line as a person would, through `npx tsx`, with a hard time limit. */
function runCli(args: readonly string[], timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/train.ts', ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
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
      readdirSync(join(SAMPLE, 'valid', digit)).slice(0, 10).forEach((f, i) => {
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
    const bundle = readBundle(Object.fromEntries(readdirSync(out).filter((f) => statSync(join(out, f)).isFile()).map((f) => [f, new Uint8Array(readFileSync(join(out, f)))])));
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
    const r = await runCli(['--folder', SAMPLE, '--arch', 'smallCnn', '--block', BLOCK, '--epochs', '1', '--lr', '1e30', '--out', join(dir, 'nan')], 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: The loss became (NaN|-?Infinity) at epoch 1, batch \d+; .*Try a lower learning rate\.$/m);
    expect(existsSync(join(dir, 'nan'))).toBe(false);
  });
});
