import { describe, expect, it } from 'vitest';
import type { EpochEvent } from '../workers/protocol';
import { notebookFile, readNotebookFile, restoredTrainState, snapshotOf } from './persistence';
import { initialDataState } from './dataState';
import { initialTrainState, type FitRun, type SavedTrainState } from './trainState';

const row = (run: number, epoch: number): EpochEvent & { run: number } => ({ type: 'epoch', fit: run - 1, epoch, trainLoss: 1, validLoss: 1, metrics: {}, seconds: 1, run });
const run = (index: number, status: FitRun['status']): FitRun => ({ index, epochs: 3, lr: '1e-3', oneCycle: true, size: 28, frozen: false, status });

function saved(runs: FitRun[], rows: ReturnType<typeof row>[], batches: number): SavedTrainState {
  const iters = Array.from({ length: batches }, (_, i) => i + 1);
  // Epochs end every 10 batches.
  const validIters = rows.map((_, i) => (i + 1) * 10);
  const history = { iters, losses: iters.map(() => 1), smooth: iters.map(() => 1), lrs: iters.map(() => 1e-3), validIters, validLosses: validIters.map(() => 1) };
  return { ...snapshotOf(initialDataState, initialTrainState).train, runs, rows, history };
}

describe('restoring after a reload', () => {
  it('marks a running fit interrupted and cuts it back to the epoch whose weights were saved', () => {
    // Fit 1 done (3 epochs); fit 2 had 2 rows posted, but only epoch 0's weights reached storage.
    const s = saved([run(1, 'done'), run(2, 'running')], [row(1, 0), row(1, 1), row(1, 2), row(2, 0), row(2, 1)], 57);
    const r = restoredTrainState(s, { run: 2, epoch: 0 });
    expect(r.runs[1]).toMatchObject({ status: 'interrupted', savedEpochs: 1 });
    expect(r.runs[1].message).toContain('epoch 2');
    expect(r.rows.map((x) => `${x.run}:${x.epoch}`)).toEqual(['1:0', '1:1', '1:2', '2:0']);
    expect(r.history.validIters).toEqual([10, 20, 30, 40]);
    expect(r.history.iters).toHaveLength(40);
    expect(r.runs[0]).toBe(s.runs[0]);
  });

  it('keeps a finished notebook as it was', () => {
    const s = saved([run(1, 'done')], [row(1, 0)], 10);
    expect(restoredTrainState(s, { run: 1, epoch: 0 })).toBe(s);
  });

  it('an interrupted first epoch keeps nothing of that fit', () => {
    const s = saved([run(1, 'running')], [], 7);
    const r = restoredTrainState(s, null);
    expect(r.runs[0]).toMatchObject({ status: 'interrupted', savedEpochs: 0 });
    expect(r.history.iters).toEqual([]);
  });

  it('remembers a sample by name, so it can be fetched again', () => {
    const data = { ...initialDataState, source: 'sample mnist_tiny', files: [{ path: 'train/3/a.png', size: 1, read: async () => new Uint8Array() }] };
    const snap = snapshotOf(data, initialTrainState, new Date('2026-11-29T00:00:00Z'));
    expect(snap).toMatchObject({ version: 1, sample: 'mnist_tiny', paths: ['train/3/a.png'], savedAt: '2026-11-29T00:00:00.000Z' });
    expect(snapshotOf({ ...data, source: 'folder pets' }, initialTrainState).sample).toBeNull();
  });

  it('travels in the export bundle as notebook.json, without browser-only File objects', () => {
    const files = [new File([new Uint8Array(4)], 'model.json')];
    const train = { ...initialTrainState, learnerSpec: { ...initialTrainState.learnerSpec, arch: { kind: 'pretrained' as const, url: 'models/b/model.json', files } }, rows: [row(1, 0)] };
    const back = readNotebookFile(notebookFile({ ...initialDataState, source: 'sample planet_tiny' }, train));
    expect(back?.sample).toBe('planet_tiny');
    expect(back?.train.learnerSpec.arch).toEqual({ kind: 'pretrained', url: 'models/b/model.json' });
    expect(back?.train.rows).toEqual([row(1, 0)]);
    expect(readNotebookFile(new TextEncoder().encode('{"version": 2}'))).toBeNull();
    expect(readNotebookFile(new TextEncoder().encode('not json'))).toBeNull();
    expect(readNotebookFile(undefined)).toBeNull();
  });
});
