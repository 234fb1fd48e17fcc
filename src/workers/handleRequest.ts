import type { SourceFile } from '../core/data/types';
import type { Request, WireFile } from './protocol';
import type { TrainSession } from './trainSession';

// The worker's switch over its requests, apart from the worker so tests can run the page's
// commands against a real session in the same process (testing/inProcessWorker.ts).

export function toSource(f: WireFile): SourceFile {
  return { path: f.path, size: f.blob.size, read: async () => new Uint8Array(await f.blob.arrayBuffer()) };
}

/** Runs one request on the session; its value is the reply (a rejection, the failure message). */
export async function handleRequest(session: TrainSession, req: Request): Promise<unknown> {
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
      return session.fit(req.epochs, req.lr, req.oneCycle, req.startEpoch ?? 0, req.fastHead ?? false, req.cycle);
    case 'fitFineTune':
      return session.fineTuneFit(req.epochs, req.baseLr, req.freezeEpochs, req.fastHead ?? false, req.unfrozenBaseLr);
    case 'freeze':
      return session.freeze(req.frozen);
    case 'exportBundle':
      return session.exportBundle({ float16: req.float16 });
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

