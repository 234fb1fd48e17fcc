import { zipBundle } from '../core/project/zip';
import type { BackendName } from '../core/tf/backend';
import { changedOneCycle } from '../core/train/schedules';
import type { TrainClient } from '../workers/client';
import type { LearnerSpec } from '../workers/protocol';
import type { DataStore } from './dataActions';
import { effectiveLearnerSpec } from './guessLearner';
import { cycleProblem, epochsProblem, finderItersProblem, lrProblem } from './inputChecks';
import { NOTEBOOK_FILE, notebookFile } from './persistence';
import { formatLr, parseLr, type OneCycleSettings, type TrainState } from './trainState';
import { makeTrainRunner, type TrainRunner, type TrainStore } from './trainRunner';
import { pytorchZip } from './pytorchExport';

export type { TrainStore } from './trainRunner';

/** Commands of the training cells, shared by buttons, chart clicks and tests. */
export interface TrainCommands {
  /** Starts the worker's backend: the person's choice (`?backend=webgl`) first, else WebGPU, WebGL, CPU. */
  /** Starts the worker's backend; `decoders` sizes the pool that decodes data-block builds (the default when absent). */
  start(preferred?: BackendName, decoders?: number): Promise<void>;
  setLearnerSpec(spec: LearnerSpec): void;
  buildLearner(): Promise<void>;
  lrFind(): Promise<void>;
  setLr(value: string): void;
  pickLr(lr: number): void;
  pickSlice(lo: number, hi: number): void;
  setEpochs(n: number): void;
  /** One-cycle's knobs for the next fit (pct_start, div, div_final, moms). */
  setCycle(value: Partial<OneCycleSettings>): void;
  setFastHead(on: boolean): void;
  setFinderIters(n: number): void;
  fit(): Promise<void>;
  /** fastai's `fine_tune(epochs, lr)`: one frozen epoch at lr, then `epochs` unfrozen at slice(lr / 200, lr / 2). */
  fineTuneRecipe(): Promise<void>;
  /** Resumes the last fit, interrupted by a reload, from its last saved epoch. */
  resume(): Promise<void>;
  stop(): Promise<void>;
  setFrozen(frozen: boolean): Promise<void>;
  /** Zips the export bundle and hands it to `save` (the browser's download). */
  exportModel(save: (name: string, bytes: Uint8Array) => void, opts?: { readonly float16?: boolean }): Promise<void>;
  /** Zips the PyTorch export (train.py, weights/, notebook.ipynb, README.md) and hands it to `save`. */
  exportPytorch(save: (name: string, bytes: Uint8Array) => void): Promise<void>;
}

/** Binds the training commands to the worker client and both stores (through one runner, shared with the results and project commands). */
export function makeTrainCommands(store: TrainStore, data: DataStore, client: TrainClient, runner: TrainRunner = makeTrainRunner(store, data, client)): TrainCommands {
  const { dispatch, guarded, runFit } = runner;
  client.onEvent((e) => {
    if (e.type === 'epoch') dispatch({ type: 'epoch', event: e });
    else if (e.type === 'progress') dispatch({ type: 'progress', event: e });
  });
  return {
    async start(preferred, decoders) {
      const order: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
      // The person's choice (`?backend=`) is kept; otherwise one measured training step decides.
      const r = preferred ? await client.init([preferred, ...order.filter((b) => b !== preferred)], false, decoders) : await client.init(order, true, decoders);
      dispatch({ type: 'backend', name: r.backend, reason: r.reason, timings: r.timings });
    },
    setLearnerSpec: (spec) => dispatch({ type: 'learnerSpec', spec }),
    buildLearner: guarded('learner', async () => {
      const s = store.getState();
      const spec = effectiveLearnerSpec(s.learnerSpec, s.archChosen, s.data?.task, import.meta.env.BASE_URL);
      // The guess becomes the person's choice once built, so a later rebuild keeps it.
      dispatch({ type: 'learnerSpec', spec });
      dispatch({ type: 'learnerReady', learner: await client.buildLearner(spec) });
    }),
    lrFind: guarded('lrFind', async () => {
      const s = store.getState();
      // auto probes each candidate with the fit that follows, so the epochs are checked too.
      const bad = finderItersProblem(s.finderIters) ?? epochsProblem(s.epochs);
      if (bad) throw new Error(bad);
      dispatch({ type: 'finderStarted' });
      const frozen = s.learner?.groups.some((g) => g.frozen) ?? false;
      dispatch({ type: 'finderDone', result: await client.lrFind(s.finderIters, frozen && s.fastHead, s.epochs) });
    }),
    setLr: (value) => dispatch({ type: 'lrInput', value }),
    pickLr: (lr) => dispatch({ type: 'lrInput', value: formatLr(lr) }),
    pickSlice: (lo, hi) => dispatch({ type: 'lrInput', value: `${formatLr(lo)},${formatLr(hi)}` }),
    setEpochs: (n) => dispatch({ type: 'epochs', value: n }),
    setCycle: (value) => dispatch({ type: 'cycle', value }),
    setFastHead: (on) => dispatch({ type: 'fastHead', value: on }),
    setFinderIters: (n) => dispatch({ type: 'finderIters', value: n }),
    fit: guarded('fit', async () => {
      const s = store.getState();
      const bad = epochsProblem(s.epochs) ?? lrProblem(s.lrInput) ?? cycleProblem(s.cycle);
      if (bad) throw new Error(bad);
      const lr = parseLr(s.lrInput)!;
      const frozen = s.learner?.groups.some((g) => g.frozen) ?? false;
      const fastHead = frozen && s.fastHead;
      const cycle = changedOneCycle(s.cycle);
      const changed = Object.keys(cycle).length > 0;
      dispatch({ type: 'fitStarted', run: { epochs: s.epochs, lr: s.lrInput, oneCycle: true, size: data.getState().builtSpec!.transforms.size, frozen, fastHead, ...(changed ? { cycle } : {}) } });
      await runFit(() => client.fit(s.epochs, lr, true, 0, fastHead, changed ? cycle : undefined));
    }),
    fineTuneRecipe: guarded('fit', async () => {
      const s = store.getState();
      const bad = epochsProblem(s.epochs) ?? lrProblem(s.lrInput, true);
      if (bad) throw new Error(bad);
      const lr = parseLr(s.lrInput) as number;
      const freezeEpochs = 1;
      const size = data.getState().builtSpec!.transforms.size;
      dispatch({ type: 'fitStarted', run: { epochs: freezeEpochs + s.epochs, lr: s.lrInput, oneCycle: true, size, frozen: true, fastHead: s.fastHead, fineTune: { freezeEpochs } } });
      await runFit(async () => {
        const r = await client.fitFineTune(s.epochs, lr, freezeEpochs, s.fastHead, unfrozenBaseLr(s, lr));
        dispatch({ type: 'learnerReady', learner: r.learner });
        return r;
      });
    }),
    resume: guarded('fit', async () => {
      const run = store.getState().runs.at(-1);
      if (!run || run.status !== 'interrupted') throw new Error('There is no interrupted fit to resume');
      if (run.fineTune) throw new Error('An interrupted fine_tune run cannot resume half-way: its last saved epoch is loaded; fit again from there');
      const lr = parseLr(run.lr);
      if (lr === null) throw new Error(`The interrupted fit's learning rate "${run.lr}" cannot be read`);
      dispatch({ type: 'fitResumed' });
      // A restored model comes back unfrozen; the fit goes on as it ran.
      if (run.frozen) dispatch({ type: 'learnerReady', learner: await client.freeze(true) });
      await runFit(() => client.fit(run.epochs, lr, run.oneCycle, run.savedEpochs ?? 0, false, run.cycle));
    }),
    async stop() {
      await client.stop();
    },
    async exportModel(save, opts = {}) {
      try {
        // The notebook beside the model: import brings back the runs, the curves and the data source too.
        const files = { ...(await client.exportBundle(opts.float16)), [NOTEBOOK_FILE]: notebookFile(data.getState(), store.getState()) };
        const name = `studio-${store.getState().data?.task ?? 'model'}-${new Date().toISOString().slice(0, 10)}`;
        save(`${name}.zip`, zipBundle(files, { folder: name }));
      } catch (e) {
        dispatch({ type: 'failed', error: `Export failed: ${(e as Error).message}` });
      }
    },
    async exportPytorch(save) {
      try {
        const { name, bytes } = await pytorchZip(client, store.getState());
        save(name, bytes);
      } catch (e) {
        dispatch({ type: 'failed', error: `Export for PyTorch failed: ${(e as Error).message}` });
      }
    },
    setFrozen: (frozen) => guarded('learner', async () => dispatch({ type: 'learnerReady', learner: await client.freeze(frozen) }))(),
  };
}

/**
 * The unfrozen phase's base rate for fine_tune: the finder's valley when the rate in the box is
 * auto's suggestion and above valley (auto measures the frozen head, whose cached features take
 * rates the whole body does not); otherwise none, and fine_tune uses the box's rate for both, as fastai.
 */
export function unfrozenBaseLr(s: Pick<TrainState, 'finder' | 'lrInput'>, lr: number): number | undefined {
  const f = s.finder;
  if (!f?.auto || !f.suggestions || s.lrInput !== formatLr(f.auto.lr)) return undefined;
  return f.suggestions.valley < lr ? f.suggestions.valley : undefined;
}
