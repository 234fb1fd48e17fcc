/**
 * WebGPU in Node through Dawn (the npm package `webgpu`, Google's dawn.node): installs the
 * WebGPU globals and `navigator.gpu` before tfjs's WebGPU backend is first imported (it checks
 * `navigator.gpu` when its module loads), reads the adapter tfjs will get, and says whether it
 * is a software (fallback) adapter, whose timings are not a GPU result.
 *
 * `webgpu` is not a dependency of the project: it is found, in order, at `$WEBGPU_MODULE` (a
 * path to its index.js), as the bare specifier `webgpu`, or in `bench/gpu/.local/node_modules`
 * (where bench/gpu/prepare.sh unpacks it). `$DAWN_FLAGS` (comma-separated, e.g.
 * `backend=vulkan,adapter=NVIDIA`) is passed to dawn.node's `create`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What `adapter.info` says, plus the verdict. */
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  /** True for lavapipe / llvmpipe / SwiftShader or a fallback adapter: not a GPU result. */
  readonly software: boolean;
  /** Why `software` is true, in words; absent for a hardware adapter. */
  readonly softwareReason?: string;
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly features: readonly string[];
  /** Where the `webgpu` module was loaded from and the flags passed to `create`. */
  readonly module: string;
  readonly dawnFlags: readonly string[];
}

const SOFTWARE = /lavapipe|llvmpipe|swiftshader|softpipe|software rasterizer|microsoft basic render/i;

interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

/** Minimal view of the WebGPU adapter object (the project's tsconfig has no WebGPU types for Node). */
interface AdapterLike {
  readonly info?: Record<string, unknown>;
  readonly isFallbackAdapter?: boolean;
  readonly limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  readonly features: Iterable<string>;
}

async function loadDawn(): Promise<{ mod: DawnModule; from: string }> {
  const candidates: string[] = [];
  if (process.env.WEBGPU_MODULE) candidates.push(pathToFileURL(resolve(process.env.WEBGPU_MODULE)).href);
  candidates.push('webgpu');
  const local = join(process.cwd(), 'bench/gpu/.local/node_modules/webgpu/index.js');
  if (existsSync(local)) candidates.push(pathToFileURL(local).href);
  const errors: string[] = [];
  for (const spec of candidates) {
    try {
      // A variable specifier: neither tsc nor esbuild resolve it (the package stays external).
      const mod = (await import(spec)) as DawnModule;
      return { mod, from: spec };
    } catch (e) {
      errors.push(`${spec}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
  }
  throw new Error(`the npm package webgpu (dawn.node) was not found; run bash bench/gpu/prepare.sh or set WEBGPU_MODULE. Tried ${errors.join('; ')}`);
}

/**
 * Installs Dawn's WebGPU as `navigator.gpu` and returns the adapter tfjs will pick
 * (`powerPreference: 'high-performance'`, as tfjs-backend-webgpu asks), described.
 */
export async function installWebGpu(): Promise<AdapterReport> {
  const { mod, from } = await loadDawn();
  const flags = (process.env.DAWN_FLAGS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(flags) as { requestAdapter(o?: object): Promise<AdapterLike | null> };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned null: Dawn found no usable adapter (no Vulkan driver? see VK_DRIVER_FILES)');
  const info = adapter.info ?? {};
  const str = (k: string) => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const isFallbackAdapter = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false);
  const text = [str('vendor'), str('architecture'), str('device'), str('description')].join(' ');
  const named = SOFTWARE.exec(text)?.[0];
  const softwareReason = isFallbackAdapter ? `isFallbackAdapter${named ? ` (${named})` : ''}` : named ? `software renderer (${named})` : undefined;
  return {
    vendor: str('vendor'),
    architecture: str('architecture'),
    device: str('device'),
    description: str('description'),
    isFallbackAdapter,
    software: softwareReason !== undefined,
    ...(softwareReason ? { softwareReason } : {}),
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    features: [...adapter.features].sort(),
    module: from,
    dawnFlags: flags,
  };
}
