import * as tf from '@tensorflow/tfjs';
import { trySetBackend, type BackendName } from '../../src/core/tf/backend';

/** The backends the Node benchmarks measure; `BENCH_BACKENDS=wasm` narrows a run. */
export const BENCH_BACKENDS: readonly BackendName[] = (process.env.BENCH_BACKENDS ?? 'cpu,wasm').split(',').map((s) => s.trim()) as BackendName[];

/**
 * Makes `name` the active backend exactly as the studio does (`trySetBackend`: the fast CPU
 * kernels, or the wasm training kernels), or throws saying why it could not start.
 */
export async function useBackend(name: BackendName): Promise<void> {
  const error = await trySetBackend(name);
  if (error !== undefined) throw new Error(`backend ${name} did not start: ${error}`);
}

/** Threads the wasm backend runs with (1 in Node: no SharedArrayBuffer workers), when it is loaded. */
export async function wasmThreads(): Promise<number | undefined> {
  if (tf.findBackendFactory('wasm') == null) return undefined;
  return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
}
