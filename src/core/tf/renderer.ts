import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend';

/**
 * Tells whether a GPU backend really runs on a software renderer. Without a GPU, Chromium still
 * offers WebGPU and WebGL through SwiftShader: they work, but on the CPU cores, and their step
 * times are not what a GPU would give. Only the DOM's `navigator` is used (no window/document),
 * so this runs in a worker too.
 */

/** What is known about the device behind a backend. */
export interface RendererInfo {
  /** True for a WebGPU fallback adapter or a software renderer (SwiftShader, llvmpipe). */
  readonly software: boolean;
  /** The adapter or renderer as the browser names it, when it says. */
  readonly description?: string;
}

/**
 * How many threads the wasm backend runs its kernels on: more than one only where the page is
 * cross-origin isolated (SharedArrayBuffer), which the studio's server arranges with COOP/COEP.
 */
async function wasmInfo(): Promise<RendererInfo> {
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const threads = getThreadsCount();
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return { software: false, description: `${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : ', not cross-origin isolated'}` };
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The slice of WebGPU's adapter this needs (older and newer Chromium put the flag in different places). */
interface AdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: AdapterInfoLike;
  requestAdapterInfo?(): Promise<AdapterInfoLike>;
}

interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

/** The slice of a WebGL context this reads: the renderer's name, unmasked where the browser allows. */
interface GlLike {
  readonly RENDERER: number;
  getExtension(name: 'WEBGL_debug_renderer_info'): { readonly UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(pname: number): unknown;
}

/**
 * Asks the browser what backs `name` ('webgpu': a fresh `requestAdapter()`; 'webgl': the
 * unmasked renderer string of tfjs's own context). CPU and wasm are never software renderers in
 * this sense; failures to ask read as "not software".
 */
export async function rendererInfo(name: BackendName): Promise<RendererInfo> {
  try {
    if (name === 'webgpu') return await webgpuInfo();
    if (name === 'webgl') return webglInfo();
    if (name === 'wasm') return await wasmInfo();
  } catch {
    /* an adapter that cannot be asked is judged by its timing alone */
  }
  return { software: false };
}

async function webgpuInfo(): Promise<RendererInfo> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return { software: false };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.());
  const description = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || undefined;
  const fallback = adapter.isFallbackAdapter === true || info?.isFallbackAdapter === true;
  return { software: fallback || SOFTWARE.test(description ?? ''), description };
}

function webglInfo(): RendererInfo {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: GlLike } }).gpgpu?.gl;
  if (!gl) return { software: false };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const description = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return { software: SOFTWARE.test(description), description };
}
