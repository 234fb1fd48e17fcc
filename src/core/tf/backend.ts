import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../data/random';
import { installFastCpuKernels } from './cpuKernels';

/** A tfjs backend the studio knows how to pick. */
export type BackendName = 'webgpu' | 'webgl' | 'cpu';

/** What `chooseBackend` settled on, and why the others were passed over. */
export interface BackendChoice {
  readonly name: BackendName;
  /** One sentence a person can read: which backend runs and why. */
  readonly reason: string;
  /** Every backend tried before (and including) the chosen one; `error` is set for failures. */
  readonly tried: readonly { readonly name: BackendName; readonly error?: string }[];
}

/**
 * Tries each backend in order with `tf.setBackend` and keeps the first that initializes.
 * WebGPU is imported on demand so Node and browsers without it never load its code; on the CPU
 * backend the fast conv filter gradient (`installFastCpuKernels`) is installed.
 * @example const { name } = await chooseBackend(['webgpu', 'webgl', 'cpu']);
 */
export async function chooseBackend(preferred: readonly BackendName[]): Promise<BackendChoice> {
  const tried: { name: BackendName; error?: string }[] = [];
  for (const name of preferred) {
    const error = await trySetBackend(name);
    tried.push(error === undefined ? { name } : { name, error });
    if (error === undefined) {
      const skipped = tried.filter((t) => t.error).map((t) => `${t.name}: ${t.error}`);
      const reason = skipped.length === 0 ? `${name} is the first choice and works` : `${name} runs because ${skipped.join('; ')}`;
      return { name, reason, tried };
    }
  }
  throw new Error(`No tfjs backend could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

async function trySetBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'webgpu' && tf.findBackendFactory('webgpu') == null) {
      if (typeof navigator === 'undefined' || !('gpu' in navigator)) return 'navigator.gpu is not available';
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    if (tf.findBackendFactory(name) == null) return 'backend is not registered';
    const ok = await tf.setBackend(name);
    if (!ok) return 'backend failed to initialize';
    await tf.ready();
    if (tf.getBackend() !== name) return `tfjs switched to ${tf.getBackend()}`;
    // The stock CPU filter gradient makes training ~10x slower than it needs to be.
    if (name === 'cpu') installFastCpuKernels();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * A seeded generator in [0, 1) for initializers, shuffles and tests: the data block's
 * mulberry32 (`makeRng`), so one seed means the same numbers everywhere.
 * @example const rand = seededRandom(42); rand(); // 0.6011...
 */
export function seededRandom(seed: number): () => number {
  return makeRng(seed);
}
