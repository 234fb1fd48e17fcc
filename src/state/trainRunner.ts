import type { DataBlockSpec } from '../core/data/types';
import type { TrainClient } from '../workers/client';
import type { FitInfo } from '../workers/protocol';
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
  /** Tells the training cells about the data block the worker last built, when it changed since they last heard. */
  syncData(): Promise<void>;
  /**
   * Wraps an operation that needs the worker's data: skipped while another runs, data synced
   * first, failures shown as errors.
   */
  guarded(busy: NonNullable<TrainState['busy']>, run: () => Promise<void>): () => Promise<void>;
  /**
   * Runs `run` as the page's one operation: claims `busy` at once (before any await, so a
   * second click finds it taken and is skipped), and frees it however `run` ends. False when
   * another operation held it and `run` did not start.
   */
  exclusive(busy: NonNullable<TrainState['busy']>, run: () => Promise<void>): Promise<boolean>;
  /**
   * Before the data block is rebuilt: a running fit or LR finder is stopped (its run says why)
   * and whatever runs is waited for, so the rebuild never changes data under a running command.
   */
  settleForRebuild(): Promise<void>;
  /** Runs a fit the store already started and records how it ended. */
  runFit(run: () => Promise<FitInfo>): Promise<void>;
}

/**
 * The shared runner. The worker builds and keeps the data block it trains on (a new size for
 * progressive resizing keeps the learner's weights); before the next operation the training
 * cells take its counts from the page's view of it.
 */
export function makeTrainRunner(store: TrainStore, data: DataStore, client: TrainClient): TrainRunner {
  let sentSpec: DataBlockSpec | null = null;
  const dispatch = (a: TrainAction) => store.dispatch(a);
  const syncData = async () => {
    const { builtSpec, block, text } = data.getState();
    if (!builtSpec) throw new Error('Build the data block first');
    if (builtSpec === sentSpec) return;
    if (text) {
      // The worker built the text block itself (the page holds only its summary).
      dispatch({ type: 'dataReady', data: { task: text.task, classes: text.classes, train: text.train, valid: text.valid, size: builtSpec.transforms.size } });
      sentSpec = builtSpec;
      return;
    }
    // The worker keeps the block it built; one that failed there left the worker's data as it was.
    if (!block?.ok) throw new Error(block?.problems.find((p) => p.blocking)?.message ?? 'the data block could not be built');
    dispatch({ type: 'dataReady', data: { task: block.task, classes: block.classes, train: block.train.length, valid: block.valid.length, size: builtSpec.transforms.size } });
    sentSpec = builtSpec;
  };
  const exclusive = async (busy: NonNullable<TrainState['busy']>, run: () => Promise<void>) => {
    if (store.getState().busy) return false;
    dispatch({ type: 'busy', busy });
    try {
      await run();
    } finally {
      dispatch({ type: 'busy', busy: null });
    }
    return true;
  };
  const guarded = (busy: NonNullable<TrainState['busy']>, run: () => Promise<void>) => async () => {
    try {
      await exclusive(busy, async () => {
        if (data.getState().progress) throw new Error('The data block is still being built: wait for it to finish');
        await syncData();
        dispatch({ type: 'busy', busy });
        await run();
      });
    } catch (e) {
      dispatch({ type: 'failed', error: (e as Error).message });
    }
  };
  let stoppedForRebuild = false;
  const settleForRebuild = async () => {
    const busy = store.getState().busy;
    if (!busy) return;
    if (busy === 'fit' || busy === 'lrFind') {
      stoppedForRebuild = true;
      await client.stop();
    }
    await new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe(() => {
        if (store.getState().busy) return;
        unsubscribe();
        resolve();
      });
    });
  };
  const runFit = async (run: () => Promise<FitInfo>) => {
    stoppedForRebuild = false;
    try {
      const r = await run();
      const why = r.cancelled && stoppedForRebuild ? 'stopped to rebuild the data block' : undefined;
      dispatch({ type: 'fitEnded', status: r.nonFinite ? 'failed' : r.cancelled ? 'stopped' : 'done', message: r.nonFinite ?? why ?? skippedNote(r.skipped), tensors: r.tensors });
    } catch (e) {
      dispatch({ type: 'fitEnded', status: 'failed', message: (e as Error).message });
      throw e;
    }
  };
  return { store, data, client, dispatch, syncData, guarded, exclusive, settleForRebuild, runFit };
}

/** Streamed pictures that failed to decode during a fit, in one line for the run's output. */
function skippedNote(skipped: readonly string[] | undefined): string | undefined {
  if (!skipped?.length) return undefined;
  const shown = skipped.slice(0, 3).join('; ');
  return `${skipped.length} picture${skipped.length === 1 ? '' : 's'} could not be decoded and ${skipped.length === 1 ? 'was' : 'were'} left out: ${shown}${skipped.length > 3 ? '; …' : ''}`;
}
