import type { ImageDecoder } from '../../core/data/types';
import type { WorkerPort } from '../client';
import { handleRequest } from '../handleRequest';
import type { FromWorker, Request } from '../protocol';
import { TrainSession } from '../trainSession';

/**
 * The training worker in this process, for tests of the page's commands: a real `TrainSession`
 * behind the same requests and replies. Messages cross as tasks (setTimeout), as they do
 * between a page and a worker, so a Stop arrives between batches only if the loop yields.
 */
export function inProcessWorker(decode: ImageDecoder): WorkerPort & { readonly session: TrainSession; crash(message: string): void } {
  const listeners: ((e: MessageEvent<FromWorker>) => void)[] = [];
  const errorListeners: ((e: ErrorEvent) => void)[] = [];
  let dead = false;
  const deliver = (m: FromWorker) => setTimeout(() => !dead && listeners.forEach((l) => l({ data: m } as MessageEvent<FromWorker>)), 0);
  const session = new TrainSession(decode, deliver);
  return {
    session,
    postMessage(req: Request) {
      setTimeout(() => {
        handleRequest(session, req).then(
          (value) => deliver({ type: 'reply', id: req.id, value }),
          (err: unknown) => deliver({ type: 'failure', id: req.id, message: err instanceof Error ? err.message : String(err) }),
        );
      }, 0);
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
