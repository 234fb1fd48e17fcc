/**
 * The WebAssembly SIMD kernels of `kernels.wat`, instantiated on tfjs's wasm heap: the module
 * imports the backend's own memory, so a kernel reads and writes tensors where they lie, by
 * their byte offsets, with no copy. Where the engine lacks SIMD, or the backend's memory cannot
 * be reached, `simdKernelsFor` gives null and the callers keep their plain-JavaScript loops.
 */
import type * as tf from '@tensorflow/tfjs';
import { KERNELS_PLAIN, KERNELS_SHARED } from './kernelsWasm';

/** The exported functions; every pointer is a byte offset in the heap. */
export interface SimdKernels {
  relu6Grad(dy: number, x: number, out: number, n: number): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  channelGradSums(dy: number, x: number, mean: number, acc: number, pixels: number, channels: number): void;
  depthwiseFilterGrad3(
    x: number, dy: number, acc: number, batch: number, ih: number, iw: number, channels: number, oh: number, ow: number,
    sh: number, sw: number, dh: number, dw: number, top: number, left: number, lo: number, hi: number,
  ): void; // prettier-ignore
}

/** What the kernels use of tfjs-backend-wasm's Emscripten module. */
interface EmscriptenModule {
  /** The threaded build's memory (created in JavaScript, shared with its workers). */
  readonly wasmMemory?: WebAssembly.Memory;
  /** The single-threaded builds export theirs. */
  readonly asm?: { readonly memory?: WebAssembly.Memory };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** What the kernels use of tfjs-backend-wasm's `BackendWasm`. */
export interface SimdBackend {
  readonly wasm: EmscriptenModule;
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();
/** Off for a comparison run (`STUDIO_WASM_SIMD=0` in Node), so the JavaScript loops can be timed. */
let enabled = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.STUDIO_WASM_SIMD !== '0';

/** Turns the SIMD kernels off or on (benchmarks and tests compare both). */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

function instantiate(memory: WebAssembly.Memory): SimdKernels | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = decode(shared ? KERNELS_SHARED : KERNELS_PLAIN);
  if (!WebAssembly.validate(bytes)) return null;
  try {
    // Synchronous: a kilobyte module compiles in well under a millisecond, and kernels are synchronous.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as SimdKernels;
  } catch {
    return null;
  }
}

/** The kernels on `backend`'s heap (built once per heap), or null where they cannot run. */
export function simdKernelsFor(backend: object): SimdKernels | null {
  if (!enabled) return null;
  const wasm = (backend as unknown as Partial<SimdBackend>).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (!instances.has(memory)) instances.set(memory, instantiate(memory));
  return instances.get(memory) ?? null;
}

/** A tensor's byte offset in the heap. */
export function heapOffset(backend: object, t: tf.TensorInfo): number {
  const data = (backend as unknown as SimdBackend).dataIdMap.get(t.dataId);
  if (!data) throw new Error('the tensor is not on the wasm backend');
  return data.memoryOffset;
}

/**
 * Runs `use` with `count` zeroed float64s allocated on the heap (for accumulators), then frees
 * them. `use` gets the byte offset and must take its own views after any other allocation.
 */
export function withHeapDoubles<T>(backend: object, count: number, use: (ptr: number, memory: () => Float64Array) => T): T {
  const wasm = (backend as unknown as SimdBackend).wasm;
  const ptr = wasm._malloc(count * 8);
  const view = () => new Float64Array((wasm.wasmMemory ?? wasm.asm!.memory!).buffer, ptr, count);
  try {
    view().fill(0);
    return use(ptr, view);
  } finally {
    wasm._free(ptr);
  }
}
