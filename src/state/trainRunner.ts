import { pixelsOf } from '../core/data/decode';
import type { DataBlockSpec } from '../core/data/types';
import type { TrainClient } from '../workers/client';
import type { DataStore } from './dataActions';
import type { Store } from './store';
import type { TrainAction, TrainState } from './trainState';

/** The training cells' store. */
export type TrainStore = Store<TrainState, TrainAction>;

/** What every group of training commands shares: the stores, the worker, one operation at a time. */
export interface TrainRunner {
  readonly store: TrainStore;
  readonly data: DataStore;
  readonly client: TrainClient;
  dispatch(a: TrainAction): void;
  /** Sends the data block last built on the page to the worker, when it changed since the last send. */
  syncData(): Promise<void>;
  /** Wraps an operation: skipped while another runs, data synced first, failures shown as errors. */
  guarded(busy: TrainState['busy'], run: () => Promise<void>): () => Promise<void>;
  /** Runs a fit the store already started and records how it ended. */
  runFit(run: () => Promise<{ cancelled: boolean; nonFinite?: string; skipped?: readonly string[] }>): Promise<void>;
}

/**
 * The shared runner. The data block the worker trains on is the one last built on the page;
 * when it changes (a new size for progressive resizing), it is sent again before the next
 * operation and the learner keeps its weights.
 */
export function makeTrainRunner(store: TrainStore, data: DataStore, client: TrainClient): TrainRunner {
  let sentSpec: DataBlockSpec | null = null;
  const dispatch = (a: TrainAction) => store.dispatch(a);
  const syncData = async () => {
    const { builtSpec, files, block } = data.getState();
    if (!builtSpec) throw new Error('Build the data block first');
    if (builtSpec === sentSpec) return;
    dispatch({ type: 'busy', busy: 'data' });
    // The worker builds the same block from the pixels decoded here: each file is decoded once.
    // A streamed block kept none; the worker streams from the files itself.
    const pixels = block?.ok && !block.pixels.streamed ? pixelsOf([...block.train, ...block.valid]) : undefined;
    dispatch({ type: 'dataReady', data: await client.setData(builtSpec, files, pixels) });
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
  const runFit = async (run: () => Promise<{ cancelled: boolean; nonFinite?: string; skipped?: readonly string[] }>) => {
    try {
      const r = await run();
      dispatch({ type: 'fitEnded', status: r.nonFinite ? 'failed' : r.cancelled ? 'stopped' : 'done', message: r.nonFinite ?? skippedNote(r.skipped) });
    } catch (e) {
      dispatch({ type: 'fitEnded', status: 'failed', message: (e as Error).message });
      throw e;
    }
  };
  return { store, data, client, dispatch, syncData, guarded, runFit };
}

/** Streamed pictures that failed to decode during a fit, in one line for the run's output. */
function skippedNote(skipped: readonly string[] | undefined): string | undefined {
  if (!skipped?.length) return undefined;
  const shown = skipped.slice(0, 3).join('; ');
  return `${skipped.length} picture${skipped.length === 1 ? '' : 's'} could not be decoded and ${skipped.length === 1 ? 'was' : 'were'} left out: ${shown}${skipped.length > 3 ? '; …' : ''}`;
}
