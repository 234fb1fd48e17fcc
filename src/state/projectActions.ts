import type { SourceFile } from '../core/data/types';
import type { BundleFiles } from '../core/project/bundle';
import { bundleFromEntries, unzipBundle } from '../core/project/zip';
import { idbDelete, idbGet, idbKeys, idbPut } from '../io/idb';
import type { DataCommands } from './dataActions';
import { NOTEBOOK_FILE, readNotebookFile, restoredTrainState, snapshotOf, type NotebookSnapshot, type SavedWeights } from './persistence';
import type { ImportInfo } from '../workers/protocol';
import type { TrainRunner } from './trainRunner';
import type { CheckpointEntry } from './trainState';

/** Commands that keep the work: import, named checkpoints, autosave and restore after a reload. */
export interface ProjectCommands {
  /** Restores a notebook from an exported bundle (a zip, or its files side by side). */
  importProject(files: readonly SourceFile[]): Promise<void>;
  /** fastai's `learn.save(name)`, kept in the browser. */
  saveCheckpoint(name: string): Promise<void>;
  /** fastai's `learn.load(name)`. */
  loadCheckpoint(name: string): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;
  /** Brings back the autosaved notebook, if there is one; true when it did. */
  restore(): Promise<boolean>;
  /** Saves the notebook on every change (debounced) and the weights at every epoch end; returns a stop function. */
  startAutosave(): () => void;
  /** Forgets the autosaved notebook (the checkpoints stay) and reloads the page. */
  forget(): Promise<void>;
}

const NOTEBOOK_KEY = 'current';
const WEIGHTS_KEY = 'latest';
const SAVE_DELAY_MS = 800;

interface StoredCheckpoint extends CheckpointEntry {
  readonly files: BundleFiles;
}

/** Binds the project commands to the shared runner and the data cells' commands. */
export function makeProjectCommands(runner: TrainRunner, dataCommands: DataCommands): ProjectCommands {
  const { store, data, client, dispatch } = runner;
  const refreshCheckpoints = async () => {
    const list = await Promise.all((await idbKeys('checkpoints')).map(async (k) => idbGet<StoredCheckpoint>('checkpoints', k)));
    dispatch({ type: 'checkpoints', list: list.filter((c): c is StoredCheckpoint => !!c).map(({ name, savedAt, epochs }) => ({ name, savedAt, epochs })) });
  };
  const failing = (what: string, run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (e) {
      dispatch({ type: 'failed', error: `${what}: ${(e as Error).message}` });
    }
  };
  return {
    importProject: (files) => failing('Import failed', () => importBundle(runner, dataCommands, files))(),
    saveCheckpoint: (name) =>
      failing(`Saving checkpoint "${name}" failed`, async () => {
        if (!name.trim()) throw new Error('give the checkpoint a name');
        const files = await client.exportBundle();
        await idbPut('checkpoints', name.trim(), { name: name.trim(), savedAt: new Date().toISOString(), epochs: store.getState().rows.length, files } satisfies StoredCheckpoint);
        await refreshCheckpoints();
      })(),
    loadCheckpoint: (name) =>
      failing(`Loading checkpoint "${name}" failed`, async () => {
        // Busy while loading, so no prediction or fit runs on the weights being replaced.
        const loaded = await runner.exclusive('project', async () => {
          const c = await idbGet<StoredCheckpoint>('checkpoints', name);
          if (!c) throw new Error('it is not in this browser any more');
          dispatch({ type: 'learnerReady', learner: await client.loadBundle(c.files) });
          dispatch({ type: 'results', results: null });
          dispatch({ type: 'notice', text: `Loaded checkpoint "${name}" (saved ${new Date(c.savedAt).toLocaleString()}, after ${c.epochs} epochs).` });
        });
        if (!loaded) throw new Error('wait for the running operation to end');
      })(),
    deleteCheckpoint: (name) =>
      failing(`Deleting checkpoint "${name}" failed`, async () => {
        await idbDelete('checkpoints', name);
        await refreshCheckpoints();
      })(),
    async restore() {
      try {
        await refreshCheckpoints();
        return await restoreNotebook(runner, dataCommands);
      } catch (e) {
        dispatch({ type: 'failed', error: `The saved notebook could not be restored: ${(e as Error).message}` });
        return false;
      }
    },
    startAutosave() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const saveNow = async () => {
        clearTimeout(timer);
        timer = undefined;
        if (data.getState().files.length === 0 && store.getState().runs.length === 0 && !store.getState().learner) return;
        await idbPut('notebook', NOTEBOOK_KEY, snapshotOf(data.getState(), store.getState()));
      };
      const report = (e: Error) => dispatch({ type: 'failed', error: `Autosave failed: ${e.message}` });
      // At most one write per interval: a fit changes the state several times a second, and a
      // debounce that restarts on every change would never write during a fit.
      const schedule = () => {
        timer ??= setTimeout(() => saveNow().catch(report), SAVE_DELAY_MS);
      };
      const unsubscribe = [store.subscribe(schedule), data.subscribe(schedule)];
      // Work done before autosave started (while the backend probe ran) is saved too.
      schedule();
      const unlisten = client.onEvent((e) => {
        if (e.type !== 'autosave') return;
        const run = store.getState().runs.at(-1)?.index ?? 0;
        // The weights, then at once the notebook with that epoch's row: a reload right after finds both.
        idbPut('weights', WEIGHTS_KEY, { run, epoch: e.epoch, files: e.files } satisfies SavedWeights)
          .then(saveNow)
          .then(() => dispatch({ type: 'autosaved', run, epoch: e.epoch }), report);
      });
      return () => {
        clearTimeout(timer);
        unsubscribe.forEach((u) => u());
        unlisten();
      };
    },
    async forget() {
      await idbDelete('notebook', NOTEBOOK_KEY);
      await idbDelete('weights', WEIGHTS_KEY);
      location.reload();
    },
  };
}

/** Reload: the training cells as they were, the weights of the last finished epoch, then the data. */
async function restoreNotebook(runner: TrainRunner, dataCommands: DataCommands): Promise<boolean> {
  const snap = await idbGet<NotebookSnapshot>('notebook', NOTEBOOK_KEY);
  if (!snap || snap.version !== 1) return false;
  const weights = (await idbGet<SavedWeights>('weights', WEIGHTS_KEY)) ?? null;
  const saved = restoredTrainState(snap.train, weights);
  const when = new Date(snap.savedAt).toLocaleString();
  runner.dispatch({
    type: 'restored',
    saved: { ...saved, learner: weights ? saved.learner : null },
    notice: `Restored the notebook saved ${when}${weights ? `, with the weights of epoch ${weights.epoch + 1} of fit ${weights.run}` : ''}.`,
  });
  if (weights) {
    const imported = await runner.client.importBundle(weights.files);
    // The learner spec may hold dropped backbone files the bundle does not; keep the saved one.
    runner.dispatch({ type: 'learnerReady', learner: imported.learner });
  }
  if (snap.paths.length > 0) await dataCommands.restoreSource({ source: snap.source, sample: snap.sample, paths: snap.paths, spec: snap.builtSpec ?? snap.spec, textSpec: snap.textSpec });
  return true;
}

/**
 * Import: the model into the worker; the notebook saved beside it (runs, table, curves, data
 * source) when the bundle has one, else the table from `studio.json`; the spec waits for the data.
 */
async function importBundle(runner: TrainRunner, dataCommands: DataCommands, chosen: readonly SourceFile[]): Promise<void> {
  const files = await bundleFilesOf(chosen);
  const imported: { info?: ImportInfo } = {};
  await runner.exclusive('project', async () => void (imported.info = await runner.client.importBundle(files)));
  if (!imported.info) throw new Error('wait for the running operation to end, then import again');
  const { info } = imported;
  const m = info.manifest;
  const metrics = Object.entries(m.metrics)
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(', ');
  const notice = `Imported a ${m.arch.name} ${m.task} model at ${m.inputSize}px (${m.classes.length} classes, ${m.history.length} epochs${metrics ? `; ${metrics}` : ''}). It predicts now; with its data back it trains on.`;
  const notebook = readNotebookFile(files[NOTEBOOK_FILE]);
  if (notebook) {
    runner.dispatch({ type: 'restored', saved: { ...notebook.train, learner: info.learner, learnerSpec: info.learnerSpec, checkpoints: runner.store.getState().checkpoints, autosaved: null }, notice });
    if (!info.attached) await dataCommands.restoreSource({ source: notebook.source, sample: notebook.sample, paths: notebook.paths, spec: notebook.builtSpec ?? notebook.spec, textSpec: notebook.textSpec });
    return;
  }
  const rows = m.history.map((r) => ({ type: 'epoch' as const, ...r }));
  runner.dispatch({ type: 'imported', learner: info.learner, learnerSpec: info.learnerSpec, rows, notice });
  if (!info.attached) await dataCommands.restoreSource({ source: 'the imported project', sample: null, paths: [], spec: m.spec });
}

/** A zip's files, or the files of a chosen bundle folder by path (its top folder stripped). */
async function bundleFilesOf(chosen: readonly SourceFile[]): Promise<BundleFiles> {
  const zip = chosen.find((f) => f.path.toLowerCase().endsWith('.zip'));
  if (zip) return unzipBundle(await zip.read());
  const entries = await Promise.all(chosen.map(async (f) => [f.path, await f.read()] as const));
  return bundleFromEntries(Object.fromEntries(entries));
}
