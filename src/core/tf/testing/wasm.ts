import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../backend';
import { installWasmTrainingKernels } from '../wasmKernels';

/** Imports the wasm backend (it finds its .wasm files next to its module in Node) and installs the training kernels. */
export async function loadWasmBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  installWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialize');
}

/** `n` seeded normal-ish values (sum of uniforms), the same on every backend. */
export function randomValues(n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: n }, () => rand() + rand() + rand() - 1.5);
}

/** Runs `fn` on `backend` and reads every returned tensor back as plain arrays, freeing the rest. */
export async function onBackend(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return values;
}

/** max |a - b| / max |b|: the error relative to the reference's scale (elementwise ratios blow up near 0). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
