/**
 * Node's batch-preparation pool: `worker_threads` workers running `prepareWorker.ts`. The worker
 * file is TypeScript, so each thread first registers tsx's CommonJS hook, then requires it (Node
 * 20 applies neither `--import tsx` nor tsx's ESM hooks inside a worker); this works under
 * `npx tsx` and under Vitest alike.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { makePreparePool, type BatchPreparer, type PreparePort } from '../../core/data/preparePool';

/** Wraps a `worker_threads` Worker as the pool's port. */
function nodePort(worker: Worker): PreparePort {
  return {
    post: (request) => worker.postMessage(request),
    onReply: (listener) => worker.on('message', listener),
    onFailure: (listener) => {
      worker.on('error', (e) => listener(e.message));
      worker.on('exit', (code) => code !== 0 && listener(`exited with code ${code}`));
    },
    terminate: () => void worker.terminate(),
  };
}

/**
 * A pool of `size` Node worker threads preparing training batches; `close()` ends them.
 * @example const preparer = nodePreparePool(2); makeDataLoaders(block, spec, preparer); ... preparer.close();
 */
export function nodePreparePool(size: number): BatchPreparer {
  const file = fileURLToPath(new URL('./prepareWorker.ts', import.meta.url));
  // tsx's CommonJS hook: it compiles the worker's TypeScript as it is required.
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
  return makePreparePool(size, () => nodePort(new Worker(boot, { eval: true })));
}
