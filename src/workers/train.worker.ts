/// <reference lib="webworker" />
import { setWasmFileUrls } from '../core/tf/backend';
import { decodeInBrowser } from '../io/browserDecode';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { handleRequest } from './handleRequest';
import type { FromWorker, Request } from './protocol';
import { TrainSession } from './trainSession';

// The training worker: a TrainSession behind postMessage. All heavy work (decode, tfjs on
// WebGPU/WebGL/CPU) happens here, so the page never freezes.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);
const session = new TrainSession(decodeInBrowser, post);
// The wasm binaries are served by the bundler; tfjs picks one by SIMD and thread support. The
// studio's server sends COOP/COEP, so the page is cross-origin isolated and the threaded build
// runs (its pthread workers start from the bundled factory: see vite.config.ts).
setWasmFileUrls({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

scope.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  handleRequest(session, req).then(
    (value) => post({ type: 'reply', id: req.id, value }),
    (err: unknown) => post({ type: 'failure', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
};
