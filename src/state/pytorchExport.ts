/**
 * "Export for PyTorch" on the page: the worker's bundle (float32 weights), the runs the Fit cell
 * recorded and the learner's settings, made into the export's files (core/export/pytorch) and zipped.
 */
import { pytorchExport, type ExportSettings } from '../core/export/pytorch/exportFiles';
import type { RecordedRun } from '../core/export/pytorch/plan';
import { PYTHON_FILES } from '../core/export/pytorch/pythonSources';
import { zipBundle } from '../core/project/zip';
import type { TrainClient } from '../workers/client';
import { parseLr, type FitRun, type TrainState } from './trainState';

/**
 * The fits train.py replays: finished, stopped and interrupted ones; failed ones and fine-tunes on
 * corrected pictures (which live only in this page) are left out and named in the notes.
 */
export function recordedRuns(runs: readonly FitRun[]): { runs: RecordedRun[]; notes: string[] } {
  const kept: RecordedRun[] = [];
  const notes: string[] = [];
  for (const run of runs) {
    const lr = parseLr(run.lr);
    if (run.status === 'failed' || run.status === 'running') notes.push(`fit ${run.index} (${run.status})`);
    else if (run.corrections) notes.push(`fit ${run.index}: a fine-tune on ${run.corrections} corrected pictures, which are not in the data folder`);
    else if (lr === null) notes.push(`fit ${run.index}: its rate "${run.lr}" is not a number or a slice`);
    else kept.push({ epochs: run.epochs, lr, size: run.size, frozen: run.frozen, oneCycle: run.oneCycle, ...(run.cycle ? { cycle: run.cycle } : {}), ...(run.fineTune ? { fineTune: run.fineTune } : {}) });
  }
  return { runs: kept, notes };
}

/**
 * The zip of the PyTorch export and its file name, e.g. `studio-single-pytorch-2026-11-30.zip`.
 * @example const { name, bytes } = await pytorchZip(client, store.getState());
 */
export async function pytorchZip(client: Pick<TrainClient, 'exportBundle'>, train: Pick<TrainState, 'runs' | 'learnerSpec' | 'data'>): Promise<{ name: string; bytes: Uint8Array }> {
  const { runs, notes } = recordedRuns(train.runs);
  const { wd, thresh, beta } = train.learnerSpec;
  const settings: ExportSettings = { wd, threshold: thresh, beta, notes };
  const files = pytorchExport(await client.exportBundle(), runs, settings, PYTHON_FILES);
  const name = `studio-${train.data?.task ?? 'model'}-pytorch-${new Date().toISOString().slice(0, 10)}`;
  return { name: `${name}.zip`, bytes: zipBundle(files, { folder: name }) };
}
