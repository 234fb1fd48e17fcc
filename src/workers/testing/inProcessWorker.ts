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
export function inProcessWorker(decode: ImageDecoder): WorkerPort & { readonly session: TrainSession } {
  const listeners: ((e: MessageEvent<FromWorker>) => void)[] = [];
  const deliver = (m: FromWorker) => setTimeout(() => listeners.forEach((l) => l({ data: m } as MessageEvent<FromWorker>)), 0);
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
    addEventListener: (_type, listener) => void listeners.push(listener),
    terminate: () => {},
  };
}
