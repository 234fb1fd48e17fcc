import type { SourceFile } from '../core/data/types';
import type { BatchTiles, FromWorker, ReplyOf, Request, RequestName, RequestOf, WireFile } from './protocol';
import type { TrainSession } from './trainSession';

// The worker's switch over its requests and its answering loop, apart from the worker so tests
// can run the page's commands against a real session in the same process (testing/inProcessWorker.ts).

export function toSource(f: WireFile): SourceFile {
  return { path: f.path, size: f.blob.size, read: async () => new Uint8Array(await f.blob.arrayBuffer()) };
}

/** One handler per request, typed from `TrainApi`: a handler that answers the wrong thing does not compile. */
type Handlers = { [K in RequestName]: (session: TrainSession, req: RequestOf<K>) => ReplyOf<K> | Promise<ReplyOf<K>> };

const HANDLERS: Handlers = {
  init: (s, r) => s.init(r.backends, r.probe ?? false, r.decoders),
  buildData: (s, r) => (s.text.clear(), s.buildData(r.spec, r.files.map(toSource), r.draw)),
  drawBatch: (s, r) => s.drawBatch(r.draw),
  memory: (s) => s.memory(),
  buildLearner: (s, r) => s.buildLearner(r.learner),
  lrFind: (s, r) => (s.text.active ? s.text.lrFind(r.numIt) : s.lrFind(r.numIt, r.fastHead ?? false, r.epochs)),
  fit: (s, r) => (s.text.active ? s.text.fit(r.epochs, r.lr) : s.fit(r.epochs, r.lr, r.oneCycle, r.startEpoch ?? 0, r.fastHead ?? false, r.cycle)),
  fitFineTune: (s, r) => {
    if (s.text.active) throw new Error('fine_tune trains a pretrained image body; for text, fit the language model, then run ULMFiT’s gradual unfreezing from the Learner cell');
    return s.fineTuneFit(r.epochs, r.baseLr, r.freezeEpochs, r.fastHead ?? false, r.unfrozenBaseLr);
  },
  freeze: (s, r) => (s.text.active ? s.text.freeze(r.frozen) : s.freeze(r.frozen)),
  exportBundle: (s, r) => s.exportBundle({ float16: r.float16 }),
  loadBundle: (s, r) => s.loadBundle(r.files),
  importBundle: (s, r) => s.importBundle(r.files),
  predict: (s, r) => s.predict(toSource(r.file)),
  results: (s) => s.results(),
  setThreshold: (s, r) => s.setThreshold(r.thresh),
  fineTune: (s, r) =>
    s.fineTune(
      r.corrections.map((c) => ({ file: toSource(c.file), label: c.label })),
      r.epochs,
      r.lr,
    ),
  stop: (s) => s.stop(),
  setTextData: async (s, r) => (await s.clearImageData(), s.text.setData(r.spec, r.files.map(toSource), r.draw, r.lmUrl)),
  redrawText: (s, r) => s.text.redraw(r.draw),
  buildTextLearner: (s, r) => s.text.buildLearner(r.kind, r.lmUrl),
  ulmfit: (s, r) => s.text.ulmfit(r.lr, r.lastEpochs, r.rates),
  textResults: (s, r) => s.text.results(r.thresh),
  predictText: (s, r) => s.text.predict(r.text, r.words),
};

/** Runs one request on the session; its value is the reply (a rejection, the failure message). */
export async function handleRequest<K extends RequestName>(session: TrainSession, req: RequestOf<K>): Promise<ReplyOf<K>> {
  const handler = HANDLERS[req.type] as Handlers[K] | undefined;
  if (!handler) throw new Error(`The training worker has no request "${String(req.type)}"`);
  return handler(session, req);
}

/**
 * Replies whose buffers move to the page instead of being copied (postMessage's transfer list):
 * only buffers made for the reply, which the session keeps no reference to, since a transferred
 * buffer is left empty on this side. Typed from `TrainApi` like the handlers.
 */
type Transfers = { readonly [K in RequestName]?: (reply: ReplyOf<K>) => readonly ArrayBufferLike[] };

const TRANSFERS: Transfers = {
  // show_batch's tiles are drawn afresh for each reply (`previewBatch`): 64 KiB a tile at 128 px.
  buildData: (view) => tileBuffers(view.batch),
  drawBatch: tileBuffers,
};

function tileBuffers(batch: BatchTiles): ArrayBufferLike[] {
  return batch.tiles.flatMap((t) => (t.mask ? [t.rgba.buffer, t.mask.buffer] : [t.rgba.buffer]));
}

/**
 * The buffers to transfer with the reply to `type`: each once (a duplicate fails the post), and
 * only ArrayBuffers (a SharedArrayBuffer is shared, never transferred).
 */
export function transferList<K extends RequestName>(type: K, reply: ReplyOf<K>): ArrayBuffer[] {
  const pick = TRANSFERS[type] as ((reply: ReplyOf<K>) => readonly ArrayBufferLike[]) | undefined;
  return [...new Set(pick?.(reply) ?? [])].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** The worker's end of its channel to the page (the worker's global scope, or a test's stand-in). */
export interface WorkerScope {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: FromWorker, transfer: Transferable[]): void;
}

/**
 * Answers each request that arrives on `scope`: its reply, with the buffers `transferList` names
 * moved rather than copied, or the failure's message.
 * @example serveRequests(self as unknown as DedicatedWorkerGlobalScope, new TrainSession(decodeInBrowser, post));
 */
export function serveRequests(scope: WorkerScope, session: TrainSession): void {
  scope.onmessage = (e) => {
    const req = e.data;
    handleRequest(session, req).then(
      (value) => scope.postMessage({ type: 'reply', id: req.id, value }, transferList(req.type, value)),
      (err: unknown) => scope.postMessage({ type: 'failure', id: req.id, message: err instanceof Error ? err.message : String(err) }, []),
    );
  };
}
