import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildDataBlock, makeDataLoaders } from '../data/block';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../data/infer';
import type { DataBlockSpec } from '../data/types';
import { smallCnn } from '../model/smallCnn';
import { installFastCpuKernels } from '../tf/cpuKernels';
import { loadWasmBackend } from '../tf/testing/wasm';
import { Learner } from '../train/learner';
import { decodeInNode } from '../../io/node/nodeDecode';
import { readFolder } from '../../io/node/nodeFiles';
import { gradCam, gradCamSplit } from './gradCam';

const backends = {
  cpu: async () => {
    await tf.setBackend('cpu');
    installFastCpuKernels();
  },
  // The browser's usual backend: every kernel of the gradient must exist there too.
  wasm: loadWasmBackend,
};

const spec: DataBlockSpec = {
  ...DEFAULT_SPEC,
  split: { kind: 'folder', train: 'train', valid: 'valid' },
  transforms: { ...DEFAULT_TRANSFORMS, size: 28, flip: false },
  batch: { batchSize: 64, seed: 1 },
};

describe.each(Object.keys(backends) as (keyof typeof backends)[])('Grad-CAM on %s', (backend) => {
  it('on a CNN trained on mnist_tiny, the heat sits on the digit\u2019s strokes more than on the black around them', async () => {
    await backends[backend]();
    expect(tf.getBackend()).toBe(backend);
    const block = await buildDataBlock(spec, { files: readFolder('public/samples/mnist_tiny'), decode: decodeInNode });
    const dls = makeDataLoaders(block, spec);
    const grouped = smallCnn(2, { channels: [8, 16, 32], seed: 1 });
    const learn = new Learner(dls, grouped);
    await learn.fitOneCycle(2, 1e-2);
    const split = gradCamSplit(grouped)!;
    expect(split).not.toBeNull();
    let ratios = 0;
    let centreRatios = 0;
    let n = 0;
    const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const strokeToBackground = (heat: readonly number[], g: ArrayLike<number>) => mean(heat.filter((_, p) => g[p] > 0.5)) / Math.max(mean(heat.filter((_, p) => g[p] <= 0.5)), 1e-6);
    for await (const { x, y } of dls.valid.batches(0)) {
      const pictures = tf.unstack(x);
      // Single-label targets are class ids.
      const labels = Array.from(await y.data());
      for (let i = 0; i < Math.min(20, pictures.length); i++) {
        const heat = await gradCam(split, pictures[i].expandDims(0) as tf.Tensor4D, labels[i]);
        // The picture's own pixels (normalized; a digit stroke is well above the mean), at the map's resolution.
        const gray = tf.tidy(() => tf.image.resizeBilinear(pictures[i].mean(-1, true) as tf.Tensor3D, [heat.height, heat.width]).reshape([-1]));
        const g = await gray.data();
        gray.dispose();
        const strokes = Array.from(g).filter((v) => v > 0.5).length;
        if (strokes === 0 || strokes === g.length) continue;
        ratios += strokeToBackground(heat.values, g);
        // The trivial map to beat: heat falling off from the centre, where MNIST puts its digits.
        const c = (heat.width - 1) / 2;
        const centre = heat.values.map((_, p) => 1 - Math.hypot((p % heat.width) - c, Math.floor(p / heat.width) - c) / (c * Math.SQRT2 + 1e-6));
        centreRatios += strokeToBackground(centre, g);
        n += 1;
      }
      tf.dispose([x, y, ...pictures]);
      break;
    }
    const [ratio, centreRatio] = [ratios / n, centreRatios / n];
    console.log(JSON.stringify({ gradCam: { pictures: n, strokeToBackground: ratio, centreMap: centreRatio } }));
    expect(n).toBeGreaterThan(5);
    // A uniform map scores 1.
    expect(ratio).toBeGreaterThan(1.15);
    learn.dispose();
    grouped.model.dispose();
  });
});
