import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileLoadHandler, fileSaveHandler } from '../../../io/node/modelFiles';
import { serveFolder, type StaticServer } from '../../../io/node/staticServer';
import { buildModel } from '../../../workers/models';
import type { ArchSpec } from '../../../workers/protocol';
import { MNIST_BODY, MOBILENET_V2 } from '../../model/bodies';
import { installFastCpuKernels } from '../../tf/cpuKernels';
import type { Stats, Task } from '../../data/types';
import { hasTorch, PYTHON_DIR, runPython } from './testing/python';

// Studio weights -> PyTorch (studio_model.py builds the graph from model.json) -> studio: for
// every architecture the Learner cell offers, PyTorch predicts what tfjs predicts, and the
// weights PyTorch writes back load in tfjs and predict the same again.
const TOLERANCE = 1e-4;
const STATS: Stats = { mean: [0.5, 0.45, 0.4], std: [0.25, 0.24, 0.26] };

let server: StaticServer;
let base: string;
let work: string;
const measured: Record<string, { torch: number; back: number }> = {};

beforeAll(async () => {
  expect(hasTorch(), '/usr/bin/python3 cannot import torch: apt-get install python3-torch python3-torchvision').toBe(true);
  await tf.setBackend('cpu');
  installFastCpuKernels();
  server = await serveFolder('public');
  base = `${server.url}/`;
  work = mkdtempSync(join(tmpdir(), 'roundtrip-'));
});
afterAll(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
  // The figures the issue asks for, one line per architecture.
  console.log(`round trip max |difference| on outputs:\n${Object.entries(measured).map(([k, v]) => `  ${k}: tfjs->torch ${v.torch.toExponential(2)}, torch->tfjs ${v.back.toExponential(2)}`).join('\n')}`);
});

/**
 * Constant-initialized weights (batch-norm gamma, beta and statistics, biases, zero-init
 * residual branches) are made random, so a layout mistake in any of them changes the outputs.
 */
function randomizeConstants(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const w of model.weights) {
    const v = w.read();
    const flat = v.dataSync();
    if (flat.every((x) => x === flat[0])) {
      s += 1;
      const positive = w.originalName.endsWith('moving_variance') || w.originalName.endsWith('gamma');
      w.write(tf.tidy(() => (positive ? tf.randomUniform(v.shape, 0.6, 1.4, 'float32', s) : tf.randomNormal(v.shape, 0, 0.2, 'float32', s))));
    }
  }
}

async function roundTrip(name: string, arch: ArchSpec, task: Task, numClasses: number, side: number): Promise<void> {
  const { model } = await buildModel(arch, task, numClasses, { size: side, stats: STATS });
  randomizeConstants(model, 7);
  const dir = join(work, name);
  await model.save(fileSaveHandler(dir));
  const x = tf.randomUniform([2, side, side + 2, 3], -1.5, 1.5, 'float32', 3);
  const expected = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
  writeFileSync(join(dir, 'x.f32'), new Uint8Array((await x.data()).buffer));
  runPython(['studio_model.py', dir, join(dir, 'x.f32'), x.shape.join(','), join(dir, 'y.f32'), join(dir, 'back')], PYTHON_DIR);
  // A small file's Buffer is a view into Node's shared pool: copy out exactly its bytes.
  const bytes = readFileSync(join(dir, 'y.f32'));
  const fromTorch = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const back = await tf.loadLayersModel(fileLoadHandler(join(dir, 'back', 'model.json')));
  const again = (await (back.predict(x) as tf.Tensor).data()) as Float32Array;
  const maxDiff = (a: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), a.length === expected.length ? 0 : Infinity);
  measured[name] = { torch: maxDiff(fromTorch), back: maxDiff(again) };
  expect(expected.some((v) => Math.abs(v) > 1e-3), `${name}: outputs are not all near zero`).toBe(true);
  expect(measured[name].torch).toBeLessThanOrEqual(TOLERANCE);
  expect(measured[name].back).toBeLessThanOrEqual(TOLERANCE);
  tf.dispose([x]);
  model.dispose();
  back.dispose();
}

const pretrained = (body: typeof MOBILENET_V2): ArchSpec => ({ kind: 'pretrained', url: `${base}${body.url}`, cut: body.cut, normalization: body.normalization, minSide: body.minSide });

describe('studio weights -> PyTorch -> studio', () => {
  it('small CNN (classes)', () => roundTrip('smallCnn', { kind: 'smallCnn' }, 'single', 3, 28), 60_000);
  it('xresnet tiny (tags)', () => roundTrip('xresnet_tiny', { kind: 'xresnet', depth: 'tiny' }, 'multi', 4, 30), 60_000);
  it('xresnet small (classes)', () => roundTrip('xresnet_small', { kind: 'xresnet', depth: 'small' }, 'single', 2, 33), 60_000);
  it('MobileNetV2 body + fastai head, pictures scaled up inside the model (28 px)', () => roundTrip('mobilenet_v2_28px', pretrained(MOBILENET_V2), 'single', 3, 28), 120_000);
  it('MobileNetV2 body + fastai head at 96 px', () => roundTrip('mobilenet_v2_96px', pretrained(MOBILENET_V2), 'multi', 5, 96), 120_000);
  it('the MNIST body + head', () => roundTrip('mnist_body', pretrained(MNIST_BODY), 'single', 2, 28), 60_000);
  it('points head on MobileNetV2 (tanh)', () => roundTrip('points_mobilenet_v2', pretrained(MOBILENET_V2), 'points', 0, 64), 120_000);
  it('points on the small CNN', () => roundTrip('points_smallCnn', { kind: 'smallCnn' }, 'points', 0, 28), 60_000);
  it('U-Net on the small CNN (odd side: crops)', () => roundTrip('unet_smallCnn', { kind: 'unet', encoder: 'smallCnn' }, 'segmentation', 4, 30), 60_000);
  it('U-Net on xresnet', () => roundTrip('unet_xresnet', { kind: 'unet', encoder: 'xresnet' }, 'segmentation', 3, 32), 60_000);
  it('U-Net on MobileNetV2', () => roundTrip('unet_mobilenet_v2', { kind: 'unet', encoder: 'pretrained', url: `${base}${MOBILENET_V2.url}`, cut: MOBILENET_V2.cut, normalization: MOBILENET_V2.normalization }, 'segmentation', 3, 36), 120_000);
});
