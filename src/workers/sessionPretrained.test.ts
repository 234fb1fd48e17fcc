import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../core/data/infer';
import { installFastCpuKernels } from '../core/tf/cpuKernels';
import { BUILTIN_BACKBONE_PATH } from '../io/backbone';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import { TrainSession } from './trainSession';

// The session's side of a pretrained backbone (the model itself is tested in core/model/build.test.ts):
// over a real localhost server, it builds frozen and unfreezes on request.
let server: StaticServer;
let url: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  installFastCpuKernels();
  server = await serveFolder('public');
  url = `${server.url}/${BUILTIN_BACKBONE_PATH}`;
});
afterAll(() => server.close());

describe('TrainSession with the pretrained backbone', () => {
  it('starts frozen (head only) as fastai cnn_learner does, and unfreezes on request', async () => {
    const session = new TrainSession(decodeInNode, () => {});
    const spec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false }, batch: { batchSize: 64, seed: 1 } } as const;
    await session.setData(spec, readFolder('public/samples/mnist_tiny'));
    const info = await session.buildLearner({ arch: { kind: 'pretrained', url }, wd: 0.01, thresh: 0.2, beta: 2 });
    expect(info.groups.map((g) => [g.name, g.frozen])).toEqual([
      ['body 1', true],
      ['body 2', true],
      ['head', false],
    ]);
    expect(session.freeze(false).groups.every((g) => !g.frozen)).toBe(true);
    const scratch = await session.buildLearner({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
    expect(scratch.groups.some((g) => g.frozen)).toBe(false);
  });
});
