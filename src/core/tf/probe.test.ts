import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pickFastest, probeBackends, type ProbeResult } from './probe';

describe('pickFastest', () => {
  it('picks the fastest working backend and names the others', () => {
    const pick = pickFastest([
      { name: 'webgpu', error: 'navigator.gpu is not available' },
      { name: 'wasm', msPerStep: 40 },
      { name: 'cpu', msPerStep: 300 },
    ]);
    expect(pick.name).toBe('wasm');
    expect(pick.msPerStep).toBe(40);
    expect(pick.reason).toMatch(/^wasm runs at 40\.0 ms\/step because it is the fastest/);
    expect(pick.reason).toMatch(/webgpu failed: navigator\.gpu is not available/);
    expect(pick.reason).toMatch(/cpu 300\.0 ms\/step/);
  });

  it('never picks a software WebGPU over a faster backend, nor over a near tie', () => {
    const slowSoft: ProbeResult[] = [
      { name: 'webgpu', msPerStep: 500, fallbackAdapter: true, adapter: 'google swiftshader' },
      { name: 'wasm', msPerStep: 40 },
    ];
    expect(pickFastest(slowSoft).name).toBe('wasm');
    const nearTie: ProbeResult[] = [
      { name: 'webgpu', msPerStep: 35, fallbackAdapter: true, adapter: 'google swiftshader' },
      { name: 'wasm', msPerStep: 40 },
    ];
    const pick = pickFastest(nearTie);
    expect(pick.name).toBe('wasm');
    expect(pick.reason).toMatch(/webgpu measured 35\.0 ms\/step but on a software adapter \(google swiftshader\), which must be 1\.5x faster/);
  });

  it('takes a software adapter when it is far faster or the only one that works', () => {
    const far = pickFastest([
      { name: 'webgpu', msPerStep: 10, fallbackAdapter: true },
      { name: 'cpu', msPerStep: 300 },
    ]);
    expect(far.name).toBe('webgpu');
    expect(far.reason).toMatch(/software adapter yet is over 1\.5x faster/);
    const only = pickFastest([
      { name: 'webgpu', msPerStep: 900, fallbackAdapter: true },
      { name: 'wasm', error: 'WebAssembly is not available' },
    ]);
    expect(only.name).toBe('webgpu');
    expect(only.reason).toMatch(/nothing else works/);
  });

  it('prefers a hardware GPU by speed alone', () => {
    expect(
      pickFastest([
        { name: 'webgpu', msPerStep: 5 },
        { name: 'wasm', msPerStep: 40 },
      ]).name,
    ).toBe('webgpu');
    expect(
      pickFastest([
        { name: 'webgl', msPerStep: 50 },
        { name: 'wasm', msPerStep: 40 },
      ]).name,
    ).toBe('wasm');
  });

  it('throws a readable error when nothing ran', () => {
    expect(() => pickFastest([{ name: 'wasm', error: 'boom' }])).toThrow(/No tfjs backend could run a step: wasm: boom/);
  });
});

describe('probeBackends', () => {
  it('times a tiny training step on cpu and wasm in Node, and reports backends that cannot start', async () => {
    // Lazily built per backend: variables live on the backend that made them.
    let made: { backend: string; w: tf.Variable; x: tf.Tensor4D } | undefined;
    let steps = 0;
    const step = async () => {
      if (made?.backend !== tf.getBackend()) {
        if (made) tf.dispose([made.w, made.x]);
        made = { backend: tf.getBackend(), w: tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.1, 'float32', 1)), x: tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D };
      }
      const { w, x } = made;
      const { value, grads } = tf.variableGrads(
        () =>
          tf
            .conv2d(x, w as tf.Tensor4D, 2, 'same')
            .relu()
            .mean() as tf.Scalar,
        [w],
      );
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
      steps += 1;
    };
    const results = await probeBackends(['webgpu', 'cpu', 'wasm'], step, { warmup: 1, reps: 2 });
    if (made) tf.dispose([made.w, made.x]);
    expect(results.map((r) => r.name)).toEqual(['webgpu', 'cpu', 'wasm']);
    expect(results[0].error).toBeTruthy();
    for (const r of results.slice(1)) {
      expect(r.error).toBeUndefined();
      expect(r.msPerStep).toBeGreaterThan(0);
      expect(r.fallbackAdapter).toBeUndefined();
    }
    expect(steps).toBe(6);
    expect(['cpu', 'wasm']).toContain(pickFastest(results).name);
  });

  it('reports a step that throws as that backend failing', async () => {
    const results = await probeBackends(['cpu'], () => {
      throw new Error('no such op');
    });
    expect(results).toEqual([{ name: 'cpu', error: 'its step failed: no such op' }]);
  });
});
