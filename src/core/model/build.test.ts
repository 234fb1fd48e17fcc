import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../data/types';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { backboneLoader, BUILTIN_BACKBONE_PATH } from '../../io/backbone';
import { serveFolder, type StaticServer } from '../../io/node/staticServer';
import type { ArchSpec } from './archSpec';
import { archName, buildModel, startsFrozen } from './build';
import { countParams } from './types';

// Every task x architecture the studio allows, built through buildModel (the pretrained
// backbone over a real localhost server), and a clear error for every other pair.
let server: StaticServer;
let url: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
  server = await serveFolder('public');
  url = `${server.url}/${BUILTIN_BACKBONE_PATH}`;
});
afterAll(() => server.close());

const CLASSES = 3;
const STATS = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/** Output shape for a batch of 2 at `size`, then frees the model. */
async function shapeOf(arch: ArchSpec, task: Task, size: number): Promise<number[]> {
  const grouped = await buildModel(arch, task, CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader);
  expect(grouped.layerGroups.length).toBeGreaterThanOrEqual(2);
  const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 1);
  const y = grouped.model.predict(x) as tf.Tensor;
  const shape = y.shape;
  tf.dispose([x, y]);
  grouped.model.dispose();
  return shape;
}

describe('buildModel', () => {
  const scratch: ArchSpec[] = [{ kind: 'smallCnn' }, { kind: 'xresnet' }, { kind: 'xresnet', depth: 'small' }];
  const pretrained = (): ArchSpec => ({ kind: 'pretrained', url });
  const unets = (): ArchSpec[] => [
    { kind: 'unet', encoder: 'smallCnn' },
    { kind: 'unet', encoder: 'xresnet' },
    { kind: 'unet', encoder: 'pretrained', url },
  ];

  it('single and multi: [B, classes] from every classifier', async () => {
    for (const arch of [...scratch, pretrained()]) {
      for (const task of ['single', 'multi'] as const) expect(await shapeOf(arch, task, 28), `${archName(arch)} ${task}`).toEqual([2, CLASSES]);
    }
    const small = await buildModel({ kind: 'xresnet', depth: 'small' }, 'single', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader);
    expect(countParams(small.model)).toBeLessThan(400_000);
    small.model.dispose();
  });

  it('points: [B, 2] from every classifier body; the pretrained one stays in [-1, 1]', async () => {
    for (const arch of [...scratch, pretrained()]) expect(await shapeOf(arch, 'points', 28), archName(arch)).toEqual([2, 2]);
    const grouped = await buildModel(pretrained(), 'points', 0, { height: 28, width: 28, stats: STATS }, backboneLoader);
    const y = grouped.model.predict(tf.randomNormal([4, 28, 28, 3], 0, 30, 'float32', 2)) as tf.Tensor;
    expect(Array.from(await y.data()).every((v) => v >= -1 && v <= 1)).toBe(true);
    y.dispose();
    grouped.model.dispose();
  });

  it('segmentation: [B, H, W, codes] from a U-Net on each encoder (the ImageNet body too), at 32 and 28 px', async () => {
    const imagenet: ArchSpec = { kind: 'unet', encoder: 'pretrained', url: `${server.url}/models/mobilenet_v2/model.json` };
    for (const arch of [...unets(), imagenet]) {
      for (const size of [32, 28]) expect(await shapeOf(arch, 'segmentation', size), `${archName(arch)} ${size}`).toEqual([2, size, size, CLASSES]);
    }
  });

  it('the pretrained body is cut, gets a new head and layer groups [body..., head], and starts frozen', async () => {
    const before = tf.memory().numTensors;
    for (const arch of [pretrained(), unets()[2]]) (await buildModel(arch, arch.kind === 'unet' ? 'segmentation' : 'single', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader)).model.dispose();
    // the backbone's old classifier is freed too
    expect(tf.memory().numTensors).toBe(before);
    const grouped = await buildModel(pretrained(), 'single', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader);
    expect(grouped.layerGroups.length).toBe(3);
    expect(grouped.layerGroups[2].every((l) => l.name.startsWith('head_'))).toBe(true);
    expect(grouped.model.layers.some((l) => l.name === 'mnist_head_fc')).toBe(false);
    grouped.model.dispose();
    expect(startsFrozen(pretrained())).toBe(true);
    expect(startsFrozen({ kind: 'unet', encoder: 'pretrained', url })).toBe(true);
    expect(startsFrozen({ kind: 'smallCnn' })).toBe(false);
    expect(startsFrozen({ kind: 'unet', encoder: 'xresnet' })).toBe(false);
  });

  it('gives clear errors for pairs that do not fit', async () => {
    for (const arch of [...scratch, pretrained()]) await expect(buildModel(arch, 'segmentation', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader)).rejects.toThrow('Segmentation needs a U-Net');
    for (const task of ['single', 'multi', 'points'] as const)
      await expect(buildModel({ kind: 'unet', encoder: 'smallCnn' }, task, CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader)).rejects.toThrow(`this data is a ${task} task`);
    await expect(buildModel({ kind: 'unet', encoder: 'pretrained' }, 'segmentation', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader)).rejects.toThrow('needs the URL of its model.json');
    const missing = `${server.url}/models/none/model.json`;
    await expect(buildModel({ kind: 'pretrained', url: missing }, 'single', CLASSES, { height: 28, width: 28, stats: STATS }, backboneLoader)).rejects.toThrow(`${missing}: HTTP 404`);
  });
});
