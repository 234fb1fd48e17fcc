import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../data/random';
import { installFastCpuKernels } from './cpuKernels';
import { installWasmTrainingKernels } from './wasmKernels';

/** A tfjs backend the studio knows how to pick. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Where the page serves the wasm backend's three binaries (tfjs picks one by SIMD and thread support). */
export type WasmFileUrls = Readonly<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

let wasmFileUrls: WasmFileUrls | string | undefined;

/**
 * Tells the wasm backend where its `.wasm` files are served: one URL per binary (a bundler's
 * `?url` imports) or a folder prefix ending in '/'. Must come before the wasm backend first
 * starts; in Node it is not needed (the files are found next to the module).
 * @example setWasmFileUrls({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded });
 */
export function setWasmFileUrls(urls: WasmFileUrls | string): void {
  wasmFileUrls = urls;
}

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
 * WebGPU and wasm are imported on demand so Node and browsers that do not use them never load
 * their code; on the CPU backend the fast conv filter gradient (`installFastCpuKernels`) is
 * installed, on wasm the gradient kernels it lacks (`installWasmTrainingKernels`).
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

/**
 * The runtime's globals that say whether WebGPU and WebAssembly are there: a page, a worker or
 * Node (core is type-checked without the DOM's types, so they are read off `globalThis`).
 */
const host = globalThis as { readonly navigator?: object; readonly WebAssembly?: unknown };

/**
 * Makes `name` the active backend (importing WebGPU or wasm first when needed) and installs the
 * studio's kernels for it. Returns undefined on success, else why it failed, in words.
 * @example const error = await trySetBackend('wasm'); if (error) console.warn(error);
 */
export async function trySetBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'webgpu' && tf.findBackendFactory('webgpu') == null) {
      if (!host.navigator || !('gpu' in host.navigator)) return 'navigator.gpu is not available';
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    if (name === 'wasm') {
      if (host.WebAssembly === undefined) return 'WebAssembly is not available';
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Paths only count before the backend first starts (it fetches the binary then).
      if (wasmFileUrls !== undefined && tf.engine().registry.wasm === undefined) wasm.setWasmPaths(wasmFileUrls);
      // Registered before the backend starts: they are looked up when a gradient first runs.
      installWasmTrainingKernels();
    }
    if (tf.findBackendFactory(name) == null) return 'backend is not registered';
    const ok = await tf.setBackend(name);
    if (!ok) return name === 'wasm' ? 'backend failed to initialize (are its .wasm files served? see setWasmFileUrls)' : 'backend failed to initialize';
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
