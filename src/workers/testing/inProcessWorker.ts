import type { ImageDecoder } from '../../core/data/types';
import type { WorkerPort } from '../client';
import { serveRequests, type WorkerScope } from '../handleRequest';
import type { FromWorker, Request } from '../protocol';
import { TrainSession } from '../trainSession';

/**
 * The training worker in this process, for tests of the page's commands: a real `TrainSession`
 * answering through `serveRequests`, as the worker does. Messages cross as tasks (setTimeout), as
 * they do between a page and a worker, so a Stop arrives between batches only if the loop yields;
 * a reply with a transfer list crosses as postMessage moves it (structuredClone with `transfer`:
 * the page gets the buffers, the session's side is left empty).
 */
export function inProcessWorker(decode: ImageDecoder): WorkerPort & { readonly session: TrainSession; crash(message: string): void } {
  const listeners: ((e: MessageEvent<FromWorker>) => void)[] = [];
  const errorListeners: ((e: ErrorEvent) => void)[] = [];
  let dead = false;
  const deliver = (m: FromWorker) => setTimeout(() => !dead && listeners.forEach((l) => l({ data: m } as MessageEvent<FromWorker>)), 0);
  const session = new TrainSession(decode, deliver);
  const scope: WorkerScope = {
    onmessage: null,
    postMessage: (m, transfer) => deliver(transfer.length ? structuredClone(m, { transfer }) : m),
  };
  serveRequests(scope, session);
  return {
    session,
    postMessage(req: Request) {
      setTimeout(() => scope.onmessage?.({ data: req } as MessageEvent<Request>), 0);
    },
    addEventListener(type: 'message' | 'error', listener: ((e: MessageEvent<FromWorker>) => void) | ((e: ErrorEvent) => void)) {
      if (type === 'message') listeners.push(listener as (e: MessageEvent<FromWorker>) => void);
      else errorListeners.push(listener as (e: ErrorEvent) => void);
    },
    /** What a worker that dies does: no reply ever comes, and the page gets an error event. */
    crash(message: string) {
      dead = true;
      session.stop();
      errorListeners.forEach((l) => l({ message } as ErrorEvent));
    },
    terminate: () => {},
  };
}
