import type { ImageDecoder } from '../../core/data/types';
import { decodeInNode } from '../../io/node/nodeDecode';
import { createTrainClient } from '../../workers/client';
import { inProcessWorker } from '../../workers/testing/inProcessWorker';
import { workerImageBuilder } from '../dataActions';

/**
 * The data commands' image builder over a real `TrainSession` in this process (the worker's
 * requests and events crossing as tasks), decoding with `decode`: what the page's builder does
 * against the training worker, with Node's decoder.
 */
export function inProcessImages(decode: ImageDecoder = decodeInNode) {
  const worker = inProcessWorker(decode);
  const client = createTrainClient(worker);
  return { images: workerImageBuilder(client), session: worker.session, client };
}
