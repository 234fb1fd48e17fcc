import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherFiles, loadSpec } from '../../../../scripts/cli/data';
import { trainFromCli } from '../../../../scripts/cli/session';
import { fileLoadHandler } from '../../../io/node/modelFiles';
import { blockBaselines } from '../../metrics/testing/blockBaselines';
import type { Baseline } from '../../metrics/baselines';
import { expectBeatsBaseline } from '../../metrics/testing/expectBaseline';
import { readBundle } from '../../project/bundle';
import { buildDataBlock, makeDataLoaders } from '../../data/block';
import { decodeInNode } from '../../../io/node/nodeDecode';
import { hasTorch, PYTHON, pythonEnv, torchrunCommand } from './testing/python';

// The exported train.py on mnist_tiny, on this machine's CPU: it trains from scratch as the studio
// does, runs under torchrun with two processes, resumes from the studio's weights, and what it
// writes is a bundle the studio imports.
const SAMPLE = 'public/samples/mnist_tiny';
const BLOCK = 'scripts/blocks/mnist_tiny.json';
const MARGIN = 0.3;

let work = '';
let exported = '';
let studio: Record<string, number>;
let fromScratch: Record<string, number>;
let baselines: Baseline[];
const seconds: Record<string, number> = {};

/** Runs a command, timing it; returns stdout, or throws with stderr. */
function run(name: string, cmd: readonly string[], cwd: string): string {
  const start = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, env: pythonEnv({ OMP_NUM_THREADS: '1' }), encoding: 'utf8', timeout: 150_000, maxBuffer: 16 << 20 });
  seconds[name] = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The JSON line train.py ends with. */
const finalLine = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, number> & { start?: Record<string, number> };

/** The files of a folder (not its sub-folders), as the studio's import takes them. */
function folderFiles(dir: string): Record<string, Uint8Array> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]),
  );
}

beforeAll(async () => {
  expect(hasTorch(), '/usr/bin/python3 cannot import torch: apt-get install python3-torch python3-torchvision python3-pil').toBe(true);
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'pytorch-export-'));
  exported = join(work, 'export');
  const start = performance.now();
  // The studio's own fit of the notebook (small CNN, 2 epochs), exported with --python.
  const lines: string[] = [];
  studio = await trainFromCli(
    { folder: SAMPLE, block: BLOCK, epochs: 2, lr: 1e-2, fineTune: false, fullFrozen: false, arch: 'smallCnn', out: join(work, 'studio'), python: exported },
    { out: (l) => lines.push(l), err: () => undefined },
  );
  seconds.studio = (performance.now() - start) / 1000;
  baselines = await blockBaselines(loadSpec(BLOCK, {}), gatherFiles(SAMPLE));
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  console.log(
    `seconds: ${Object.entries(seconds)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
});

describe('the exported train.py on mnist_tiny (CPU)', () => {
  it('trains 2 epochs from scratch and lands in the studio’s band, well past the most frequent class', () => {
    const stdout = run('train.py', [PYTHON, 'train.py', '--data', join(process.cwd(), SAMPLE), '--out', join(work, 'out'), '--device', 'cpu'], exported);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^epoch\s+train_loss\s+valid_loss\s+error_rate\s+accuracy\s+time$/);
    expect(lines[2]).toMatch(/^1\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d+\.\d{6}\s+\d\d:\d\d$/);
    const final = finalLine(stdout);
    fromScratch = final;
    console.log(`train.py accuracy ${final.accuracy.toFixed(3)}, the studio's ${studio.accuracy.toFixed(3)}`);
    expect(final.epochs).toBe(2);
    expectBeatsBaseline('mnist_tiny, train.py', 'accuracy', final.accuracy, baselines, MARGIN);
    expectBeatsBaseline('mnist_tiny, the studio', 'accuracy', studio.accuracy, baselines, MARGIN);
    // The same band: within 0.08 of the studio's fit of the same notebook.
    expect(Math.abs(final.accuracy - studio.accuracy)).toBeLessThan(0.08);
  }, 150_000);

  it('writes a bundle the studio imports, and tfjs scores it on the studio’s validation set as PyTorch did', async () => {
    const out = join(work, 'out');
    expect(readdirSync(out).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
    const bundle = readBundle(folderFiles(out));
    if ('error' in bundle) throw new Error(bundle.error);
    expect(bundle.manifest.history).toHaveLength(2);
    const model = await tf.loadLayersModel(fileLoadHandler(join(out, 'model.json')));
    const spec = loadSpec(BLOCK, {});
    const block = await buildDataBlock(spec, { files: gatherFiles(SAMPLE), decode: decodeInNode });
    if (!block.ok) throw new Error('mnist_tiny did not build');
    let right = 0;
    for await (const { x, y } of makeDataLoaders(block, spec).valid.batches(0)) {
      const pred = tf.tidy(() =>
        (model.predict(x) as tf.Tensor)
          .argMax(-1)
          .equal(y.reshape([-1]).toInt())
          .sum(),
      );
      right += (await pred.data())[0];
      tf.dispose([x, y, pred]);
    }
    model.dispose();
    // Same weights, same pictures: at most one of the 140 validation digits may flip on float noise.
    expect(Math.abs(right / block.valid.length - fromScratch.accuracy)).toBeLessThanOrEqual(1 / block.valid.length + 1e-9);
  });

  it('trains under torchrun with 2 processes (gloo) and ends with one set of files', () => {
    const out = join(work, 'ddp');
    const stdout = run('torchrun', [...torchrunCommand(), '--nproc_per_node', '2', 'train.py', '--data', join(process.cwd(), SAMPLE), '--out', out, '--device', 'cpu'], exported);
    const jsonLines = stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(jsonLines).toHaveLength(1);
    const final = finalLine(stdout);
    expect(final.processes).toBe(2);
    expectBeatsBaseline('mnist_tiny, torchrun x2', 'accuracy', final.accuracy, baselines, MARGIN);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
  }, 150_000);

  it('resumes from the studio’s weights (the same validation loss to start) and keeps improving', () => {
    const stdout = run('resume', [PYTHON, 'train.py', '--data', join(process.cwd(), SAMPLE), '--out', join(work, 'resumed'), '--resume', '--epochs', '3', '--lr', '1e-3'], exported);
    const final = finalLine(stdout);
    console.log(
      `resume: valid_loss ${final.start!.valid_loss.toFixed(4)} -> ${final.valid_loss.toFixed(4)}, accuracy ${final.start!.accuracy.toFixed(3)} -> ${final.accuracy.toFixed(3)} (the studio ended at valid_loss ${studio.valid_loss.toFixed(4)})`,
    );
    // The same weights on the same validation pictures, sized the same way: PyTorch measures what the studio did.
    expect(final.start!.valid_loss).toBeCloseTo(studio.valid_loss, 3);
    expect(final.valid_loss).toBeLessThan(final.start!.valid_loss);
    expect(final.accuracy).toBeGreaterThanOrEqual(final.start!.accuracy - 0.01);
    const manifest = JSON.parse(readFileSync(join(work, 'resumed', 'studio.json'), 'utf8'));
    // The browser's epochs stay in the history, the resumed fit after them.
    expect(manifest.history.map((h: { fit: number }) => h.fit)).toEqual([0, 0, 1, 1, 1]);
  }, 150_000);
});

describe('the exported train.py on masks and points (CPU)', () => {
  // headpose at a rectangle (24 high, 40 wide): points scale per axis on both sides of the export.
  it.each([
    ['camvid_tiny', 'unet', 'acc_no_void', 32],
    ['headpose_tiny', 'smallCnn', 'pixel_error', [24, 40] as const],
  ] as const)(
    '%s (%s): resumes from the studio’s weights at its validation loss, trains, and writes an importable bundle',
    async (sample, arch, metric, size) => {
      const dir = join(work, sample);
      const studioRun = await trainFromCli(
        { folder: join('public/samples', sample), epochs: 1, lr: 1e-2, fineTune: false, fullFrozen: false, arch, out: join(dir, 'studio'), size, python: join(dir, 'export') },
        { out: () => undefined, err: () => undefined },
      );
      const out = join(dir, 'out');
      const final = finalLine(run(`resume ${sample}`, [PYTHON, 'train.py', '--data', join(process.cwd(), 'public/samples', sample), '--out', out, '--resume', '--epochs', '1', '--lr', '1e-3'], join(dir, 'export')));
      console.log(
        `${sample}: the studio's valid_loss ${studioRun.valid_loss.toFixed(4)}, train.py's on its weights ${final.start!.valid_loss.toFixed(4)}, after one more epoch ${final.valid_loss.toFixed(4)}; ${metric} ${final.start![metric].toFixed(3)} -> ${final[metric].toFixed(3)}`,
      );
      // PIL's and the studio's resampling differ by a grey level here and there: within 2%.
      expect(Math.abs(final.start!.valid_loss / studioRun.valid_loss - 1)).toBeLessThan(0.02);
      expect(Math.abs(final.start![metric] / studioRun[metric] - 1)).toBeLessThan(0.03);
      expect(final.valid_loss).toBeLessThan(final.start!.valid_loss);
      const bundle = readBundle(folderFiles(out));
      if ('error' in bundle) throw new Error(bundle.error);
      expect(bundle.manifest.history).toHaveLength(2);
      expect(bundle.manifest.inputSize).toEqual(size);
    },
    150_000,
  );
});
