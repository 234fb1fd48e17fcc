/// <reference lib="webworker" />
import type { PreparePort, PrepareReply } from '../core/data/preparePool';

/**
 * A browser Worker as the batch-preparation pool's port. A worker that fails to start or dies
 * (an error event) fails its jobs with the reason rather than leaving the training waiting.
 */
export function browserPreparePort(worker: Worker): PreparePort {
  return {
    post: (request) => worker.postMessage(request),
    onReply: (listener) => worker.addEventListener('message', (e: MessageEvent<PrepareReply>) => listener(e.data)),
    onFailure: (listener) => worker.addEventListener('error', (e: ErrorEvent) => listener(e.message || 'the worker failed')),
    terminate: () => worker.terminate(),
  };
}
