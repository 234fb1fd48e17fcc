import { decodeInNode } from '../../io/node/nodeDecode';
import { readFolder } from '../../io/node/nodeFiles';
import { createTrainClient } from '../../workers/client';
import { inProcessWorker } from '../../workers/testing/inProcessWorker';
import { makeDataCommands, workerImageBuilder } from '../dataActions';
import { dataReducer, initialDataState } from '../dataState';
import { createStore } from '../store';
import { makeTrainCommands } from '../trainActions';
import { makeTrainRunner } from '../trainRunner';
import { initialTrainState, trainReducer, type TrainState } from '../trainState';

/**
 * The page's stores and commands over a real session in this process, as main.tsx wires them:
 * mnist_tiny built at 16 px, a small CNN learner, the rate box at 1e-2. `until` waits for a
 * state of the training store. Call after a tfjs backend is chosen.
 */
export /** The page's stores and commands over a real session, as main.tsx wires them. */
async function inProcessStudio() {
  const dataStore = createStore(dataReducer, initialDataState);
  const trainStore = createStore(trainReducer, initialTrainState);
  const worker = inProcessWorker(decodeInNode);
  const runner = makeTrainRunner(trainStore, dataStore, createTrainClient(worker));
  const data = makeDataCommands(dataStore, workerImageBuilder(runner.client), runner.settleForRebuild);
  const train = makeTrainCommands(trainStore, dataStore, runner.client, runner);
  await train.start('cpu');
  await data.loadFiles(readFolder('public/samples/mnist_tiny'), 'mnist_tiny');
  const spec = dataStore.getState().spec;
  data.setSpec({ ...spec, transforms: { ...spec.transforms, size: 16 }, batch: { ...spec.batch, batchSize: 64 } });
  await data.build();
  train.setLearnerSpec({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 });
  await train.buildLearner();
  train.setLr('1e-2');
  const until = (done: (s: TrainState) => boolean) =>
    new Promise<void>((resolve) => {
      if (done(trainStore.getState())) return resolve();
      const stop = trainStore.subscribe(() => done(trainStore.getState()) && (stop(), resolve()));
    });
  return { dataStore, trainStore, data, train, until, runner, worker };
}
