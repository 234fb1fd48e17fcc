/// <reference lib="webworker" />
import { setWasmFileUrls } from '../core/tf/backend';
import { decodeInBrowser } from '../io/browserDecode';
import { makeDecodePool, poolSizeFor, type DecodePool } from '../io/decodePool';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { makePreparePool } from '../core/data/preparePool';
import { serveRequests } from './handleRequest';
import { browserPreparePort } from './preparePort';
import type { FromWorker } from './protocol';
import type { NamedDecoder } from './imageData';
import { TrainSession } from './trainSession';

// The training worker: a TrainSession behind postMessage. All heavy work (decode, tfjs on
// WebGPU/WebGL/CPU) happens here, so the page never freezes.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);

// The worker owns the data block, so it decodes the pictures of a build itself, through a pool
// of decode workers it spawns (Chromium runs workers started from a worker); each decode worker
// transfers its pixel buffer here, and the page never receives any. Measured with
// bench:data-memory in headless Chromium on a busy 2-core machine, pool of 2 vs this worker's
// own thread: 1,000 JPEGs at 256 px, 236-258 vs 195-232 images/s; mnist_tiny's 700 small PNGs,
// 293-367 vs 375-426 (there the messages cost more than the decoding). The pool wins where
// decoding is the work, and grows to 4 workers on a machine with the cores.
let pool: DecodePool | null = null;
function buildDecoder(count?: number): NamedDecoder {
  const size = Math.max(1, count || poolSizeFor(navigator.hardwareConcurrency));
  if (!pool || pool.size !== size) {
    pool?.close();
    pool = makeDecodePool(size, () => new Worker(new URL('../io/decode.worker.ts', import.meta.url), { type: 'module' }));
  }
  return { decode: pool.decode, name: `${pool.size} decode worker${pool.size === 1 ? '' : 's'}` };
}

// On wasm and CPU the kernels run on this thread, so the training batches (crop, resize,
// augmentation, normalization) are made by workers spawned from here, ahead of the steps, and
// arrive as transferred arrays (see core/data/offThread.ts). One worker up to 4 cores (the
// threaded wasm build already uses the others for the step), two beyond; GPU backends keep
// augmenting on the device.
const preparers = Math.max(1, Math.min(2, Math.floor((navigator.hardwareConcurrency || 2) / 2)));
const preparer = makePreparePool(preparers, () => browserPreparePort(new Worker(new URL('./prepare.worker.ts', import.meta.url), { type: 'module' })));
const session = new TrainSession(decodeInBrowser, post, buildDecoder, preparer);
// The wasm binaries are served by the bundler; tfjs picks one by SIMD and thread support. The
// studio's server sends COOP/COEP, so the page is cross-origin isolated and the threaded build
// runs (its pthread workers start from the bundled factory: see vite.config.ts).
setWasmFileUrls({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

serveRequests(scope, session);
