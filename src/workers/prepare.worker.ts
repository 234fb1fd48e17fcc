/// <reference lib="webworker" />
import { answerPrepare, type PrepareRequest } from '../core/data/preparePool';

// One batch-preparation worker, spawned by the training worker: a job's pictures and drawn
// transforms in, a normalized batch out, its buffers transferred. It loads no tfjs.
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.addEventListener('message', (e: MessageEvent<PrepareRequest>) => {
  const { reply, transfer } = answerPrepare(e.data);
  scope.postMessage(reply, transfer);
});
