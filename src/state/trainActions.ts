import type { DataBlockSpec } from '../core/data/types';
import { zipBundle } from '../core/project/zip';
import type { BackendName } from '../core/tf/backend';
import type { TrainClient } from '../workers/client';
import type { LearnerSpec } from '../workers/protocol';
import type { DataStore } from './dataActions';
import { formatLr, parseLr, type TrainAction, type TrainState } from './trainState';
import type { Store } from './store';

/** The training cells' store. */
export type TrainStore = Store<TrainState, TrainAction>;

/** Commands of the training cells, shared by buttons, chart clicks and tests. */
export interface TrainCommands {
  /** Starts the worker's backend: the person's choice (`?backend=webgl`) first, else WebGPU, WebGL, CPU. */
  start(preferred?: BackendName): Promise<void>;
  setLearnerSpec(spec: LearnerSpec): void;
  buildLearner(): Promise<void>;
  lrFind(): Promise<void>;
  setLr(value: string): void;
  pickLr(lr: number): void;
  pickSlice(lo: number, hi: number): void;
  setEpochs(n: number): void;
  setFinderIters(n: number): void;
  fit(): Promise<void>;
  stop(): Promise<void>;
  setFrozen(frozen: boolean): Promise<void>;
  /** Zips the export bundle and hands it to `save` (the browser's download). */
  exportModel(save: (name: string, bytes: Uint8Array) => void): Promise<void>;
}

/**
 * Binds the commands to the worker client and both stores. The data block the worker trains
 * on is the one last built on the page; when it changes (a new size for progressive
 * resizing), it is sent again before the next fit and the learner keeps its weights.
 */
export function makeTrainCommands(store: TrainStore, data: DataStore, client: TrainClient): TrainCommands {
  let sentSpec: DataBlockSpec | null = null;
  const dispatch = (a: TrainAction) => store.dispatch(a);
  client.onEvent((e) => dispatch(e.type === 'epoch' ? { type: 'epoch', event: e } : { type: 'progress', event: e }));

  const syncData = async () => {
    const { builtSpec, files } = data.getState();
    if (!builtSpec) throw new Error('Build the data block first');
    if (builtSpec === sentSpec) return;
    dispatch({ type: 'busy', busy: 'data' });
    dispatch({ type: 'dataReady', data: await client.setData(builtSpec, files) });
    sentSpec = builtSpec;
  };
  const guarded = (busy: TrainState['busy'], run: () => Promise<void>) => async () => {
    if (store.getState().busy) return;
    try {
      await syncData();
      dispatch({ type: 'busy', busy });
      await run();
      dispatch({ type: 'busy', busy: null });
    } catch (e) {
      dispatch({ type: 'failed', error: (e as Error).message });
    }
  };

  return {
    async start(preferred) {
      const order: BackendName[] = ['webgpu', 'webgl', 'cpu'];
      const r = await client.init(preferred ? [preferred, ...order.filter((b) => b !== preferred)] : order);
      dispatch({ type: 'backend', name: r.backend, reason: r.reason });
    },
    setLearnerSpec: (spec) => dispatch({ type: 'learnerSpec', spec }),
    buildLearner: guarded('learner', async () => {
      dispatch({ type: 'learnerReady', learner: await client.buildLearner(store.getState().learnerSpec) });
    }),
    lrFind: guarded('lrFind', async () => {
      dispatch({ type: 'finderStarted' });
      dispatch({ type: 'finderDone', result: await client.lrFind(store.getState().finderIters) });
    }),
    setLr: (value) => dispatch({ type: 'lrInput', value }),
    pickLr: (lr) => dispatch({ type: 'lrInput', value: formatLr(lr) }),
    pickSlice: (lo, hi) => dispatch({ type: 'lrInput', value: `${formatLr(lo)},${formatLr(hi)}` }),
    setEpochs: (n) => dispatch({ type: 'epochs', value: n }),
    setFinderIters: (n) => dispatch({ type: 'finderIters', value: n }),
    fit: guarded('fit', async () => {
      const s = store.getState();
      const lr = parseLr(s.lrInput);
      if (lr === null) throw new Error(`Learning rate "${s.lrInput}" is not a number or a "lo,hi" pair`);
      const frozen = s.learner?.groups.some((g) => g.frozen) ?? false;
      dispatch({ type: 'fitStarted', run: { epochs: s.epochs, lr: s.lrInput, oneCycle: true, size: data.getState().builtSpec!.transforms.size, frozen } });
      try {
        const r = await client.fit(s.epochs, lr, true);
        dispatch({ type: 'fitEnded', status: r.nonFinite ? 'failed' : r.cancelled ? 'stopped' : 'done', message: r.nonFinite });
      } catch (e) {
        dispatch({ type: 'fitEnded', status: 'failed', message: (e as Error).message });
        throw e;
      }
    }),
    async stop() {
      await client.stop();
    },
    async exportModel(save) {
      try {
        const files = await client.exportBundle();
        const name = `studio-${store.getState().data?.task ?? 'model'}-${new Date().toISOString().slice(0, 10)}`;
        save(`${name}.zip`, zipBundle(files, { folder: name }));
      } catch (e) {
        dispatch({ type: 'failed', error: `Export failed: ${(e as Error).message}` });
      }
    },
    setFrozen: async (frozen) => {
      try {
        dispatch({ type: 'learnerReady', learner: await client.freeze(frozen) });
      } catch (e) {
        dispatch({ type: 'failed', error: (e as Error).message });
      }
    },
  };
}
