/**
 * A batch-preparation worker for Node (`worker_threads`): the benchmarks and tests run the same
 * `answerPrepare` as the browser's module worker, on another thread.
 */
import { parentPort } from 'node:worker_threads';
import { answerPrepare, type PrepareRequest } from '../../core/data/preparePool';

parentPort!.on('message', (request: PrepareRequest) => {
  const { reply, transfer } = answerPrepare(request);
  parentPort!.postMessage(reply, transfer);
});
