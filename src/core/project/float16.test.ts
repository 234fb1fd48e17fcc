import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { float16Artifacts, toFloat16Bits } from './float16';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('float16 weights', () => {
  it('rounds to IEEE half precision as tfjs reads it back', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(0)).toBe(0);
    expect(toFloat16Bits(2 ** -24)).toBe(1); // the smallest subnormal
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('halves the weights and tfjs loads the same network back, each weight within half-precision rounding', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3 })] });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const half = float16Artifacts(saved!);
    const fullBytes = tf.io.CompositeArrayBuffer.join(saved!.weightData!).byteLength;
    expect((half.weightData as ArrayBuffer).byteLength).toBe(fullBytes / 2);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(half));
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const after = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    before.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(after[i][j] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24)));
  });
});
