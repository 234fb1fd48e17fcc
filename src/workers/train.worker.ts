/// <reference lib="webworker" />
import { setWasmFileUrls } from '../core/tf/backend';
import { decodeInBrowser } from '../io/browserDecode';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { SourceFile } from '../core/data/types';
import type { FromWorker, Request, WireFile } from './protocol';
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

function toSource(f: WireFile): SourceFile {
  return { path: f.path, size: f.blob.size, read: async () => new Uint8Array(await f.blob.arrayBuffer()) };
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'init':
      return session.init(req.backends, req.probe ?? false);
    case 'setData':
      return session.setData(req.spec, req.files.map(toSource), req.pixels);
    case 'buildLearner':
      return session.buildLearner(req.learner);
    case 'lrFind':
      return session.lrFind(req.numIt, req.fastHead ?? false, req.epochs);
    case 'fit':
      return session.fit(req.epochs, req.lr, req.oneCycle, req.startEpoch ?? 0, req.fastHead ?? false);
    case 'fitFineTune':
      return session.fineTuneFit(req.epochs, req.baseLr, req.freezeEpochs, req.fastHead ?? false, req.unfrozenBaseLr);
    case 'freeze':
      return session.freeze(req.frozen);
    case 'exportBundle':
      return session.exportBundle();
    case 'loadBundle':
      return session.loadBundle(req.files);
    case 'importBundle':
      return session.importBundle(req.files);
    case 'predict':
      return session.predict(toSource(req.file));
    case 'results':
      return session.results();
    case 'setThreshold':
      return session.setThreshold(req.thresh);
    case 'fineTune':
      return session.fineTune(
        req.corrections.map((c) => ({ file: toSource(c.file), label: c.label })),
        req.epochs,
        req.lr,
      );
    case 'stop':
      return session.stop();
  }
}

scope.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  handle(req).then(
    (value) => post({ type: 'reply', id: req.id, value }),
    (err: unknown) => post({ type: 'failure', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
};
