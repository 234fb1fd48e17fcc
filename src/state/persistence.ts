import type { DataBlockSpec } from '../core/data/types';
import type { TextDataSpec } from '../core/text/textData';
import type { DataState } from './dataState';
import type { SavedTrainState, TrainState } from './trainState';

/** What autosave keeps of the notebook (weights are stored beside it, see `SavedWeights`). */
export interface NotebookSnapshot {
  readonly version: 1;
  readonly savedAt: string;
  /** Where the files came from, in words, and the sample's name when it was one (it can be fetched again). */
  readonly source: string;
  readonly sample: string | null;
  /** Paths of the chosen files, to match them when the person chooses the folder again. */
  readonly paths: readonly string[];
  readonly spec: DataBlockSpec;
  readonly builtSpec: DataBlockSpec | null;
  /** Text: the text form's spec (the built one, else the one shown); null for images, absent in older notebooks. */
  readonly textSpec?: TextDataSpec | null;
  readonly train: SavedTrainState;
}

/** The weights of the latest finished epoch: the export bundle's files. */
export interface SavedWeights {
  /** The fit (1-based run index) and its epoch (0-based) the weights are from. */
  readonly run: number;
  readonly epoch: number;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** The notebook's file in an exported bundle. */
export const NOTEBOOK_FILE = 'notebook.json';

/** The notebook as JSON bytes for the export bundle (the snapshot minus what only this browser can use). */
export function notebookFile(data: DataState, train: TrainState): Uint8Array {
  const snap = snapshotOf(data, train);
  // Dropped backbone files are File objects, not JSON; the bundle's own weights replace them.
  const arch = snap.train.learnerSpec.arch;
  const learnerSpec = arch.kind === 'pretrained' ? { ...snap.train.learnerSpec, arch: { kind: 'pretrained' as const, url: arch.url } } : snap.train.learnerSpec;
  return new TextEncoder().encode(JSON.stringify({ ...snap, train: { ...snap.train, learnerSpec, checkpoints: [] } }));
}

/** A notebook read from an exported bundle, or null when the file is missing or not one. */
export function readNotebookFile(bytes: Uint8Array | undefined): NotebookSnapshot | null {
  if (!bytes) return null;
  try {
    const snap = JSON.parse(new TextDecoder().decode(bytes)) as NotebookSnapshot;
    return snap && snap.version === 1 && Array.isArray(snap.train?.runs) && Array.isArray(snap.train?.rows) ? snap : null;
  } catch {
    return null;
  }
}

/** The notebook as autosave keeps it. */
export function snapshotOf(data: DataState, train: TrainState, now = new Date()): NotebookSnapshot {
  const sample = /^sample (\S+)$/.exec(data.source)?.[1] ?? null;
  const { learnerSpec, archChosen, learner, data: info, finder, lrInput, epochs, finderIters, runs, rows, history, autosaved, checkpoints } = train;
  return {
    version: 1,
    savedAt: now.toISOString(),
    source: data.source,
    sample,
    paths: data.files.map((f) => f.path),
    spec: data.spec,
    builtSpec: data.builtSpec,
    textSpec: data.builtTextSpec ?? data.textSpec,
    train: { learnerSpec, archChosen, learner, data: info, finder: finder && { ...finder, running: false }, lrInput, epochs, finderIters, runs, rows, history, autosaved, checkpoints },
  };
}

/**
 * The training state to show after a reload. A fit that was running is `interrupted`: its
 * table and loss curve are cut back to the last epoch whose weights were saved, so what is shown
 * matches the weights that come back, and it can resume from there.
 */
export function restoredTrainState(saved: SavedTrainState, weights: Pick<SavedWeights, 'run' | 'epoch'> | null): SavedTrainState {
  const last = saved.runs.at(-1);
  if (!last || last.status !== 'running') return saved;
  const savedEpochs = weights?.run === last.index ? weights.epoch + 1 : 0;
  const rows = saved.rows.filter((r) => r.run !== last.index || r.epoch < savedEpochs);
  const keptValid = saved.history.validIters.length - (saved.rows.length - rows.length);
  // Batches after the last kept epoch end belong to the lost epoch.
  const end = keptValid > 0 ? saved.history.validIters[keptValid - 1] : 0;
  const h = saved.history;
  const history = {
    iters: h.iters.slice(0, end),
    losses: h.losses.slice(0, end),
    smooth: h.smooth.slice(0, end),
    lrs: h.lrs.slice(0, end),
    validIters: h.validIters.slice(0, keptValid),
    validLosses: h.validLosses.slice(0, keptValid),
  };
  const message = savedEpochs > 0 ? `interrupted by a reload during epoch ${savedEpochs + 1}; the weights of epoch ${savedEpochs} are back` : 'interrupted by a reload before its first epoch ended';
  const runs = saved.runs.map((r) => (r === last ? { ...r, status: 'interrupted' as const, savedEpochs, message } : r));
  return { ...saved, runs, rows, history };
}
