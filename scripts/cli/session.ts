import { makeDataLoaders } from '../../src/core/data/block';
import type { DataLoaders } from '../../src/core/data/batch';
import { chooseBackend } from '../../src/core/tf/backend';
import { NonFiniteLossError, type Callback } from '../../src/core/train/callback';
import { Learner, type Progress } from '../../src/core/train/learner';
import { archName, buildModel } from '../../src/workers/models';
import type { ArchSpec } from '../../src/workers/protocol';
import { CliError, type CliOptions } from './args';
import { buildBlockOrFail, gatherFiles, loadSpec } from './data';
import { learnerManifest } from '../../src/workers/bundle';
import { finalMetrics, writeBundle, type FinalMetrics } from './output';
import { EpochTable } from './table';

/** Where the command line writes: `out` is stdout (the table), `err` is stderr (everything else). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Rewrites one status line in place (a terminal's progress); absent when stderr is not a terminal. */
  readonly status?: (text: string) => void;
}

/**
 * The whole command: data block from files, learner on the tfjs CPU backend, one-cycle with
 * fastai's table printed as epochs finish, then `model.json` + `weights.bin` + `studio.json`
 * in `--out`. Resolves to the final metrics; bad input and NaN losses are `CliError`s.
 */
export async function trainFromCli(opts: CliOptions, io: CliIo): Promise<FinalMetrics> {
  const spec = loadSpec(opts.block, { size: opts.size, bs: opts.bs });
  const files = gatherFiles(opts.folder, opts.csv);
  const backend = await chooseBackend(['cpu']);
  io.err(`backend: ${backend.name} (${backend.reason})`);
  const block = await buildBlockOrFail(spec, files, io.err);
  const dls = makeDataLoaders(block, spec);
  const arch: ArchSpec = opts.arch === 'xresnet' ? { kind: 'xresnet' } : { kind: 'smallCnn' };
  const learn = await makeLearner(arch, dls);
  io.err(`learner: ${archName(arch)}, ${dls.task} task, ${dls.classes.length} classes, ${dls.train.count} training and ${dls.valid.count} validation images at ${dls.size}px, batch ${dls.train.batchSize}`);
  try {
    await fitWithTable(learn, opts, io);
    const manifest = learnerManifest(learn, dls, spec, arch);
    const written = await writeBundle(opts.out, learn, manifest);
    io.err(`saved ${written.join(', ')}`);
    return finalMetrics(learn.recorder.epochs);
  } finally {
    learn.dispose();
    learn.model.dispose();
  }
}

/** Builds the network through the worker's `buildModel`, so both paths train the same models. */
async function makeLearner(arch: ArchSpec, dls: DataLoaders): Promise<Learner> {
  try {
    return new Learner(dls, await buildModel(arch, dls.task, dls.classes.length, dls));
  } catch (e) {
    throw new CliError(`Cannot build the model: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `fitOneCycle`, printing the header first and one row per finished epoch; a NaN loss exits 2. */
async function fitWithTable(learn: Learner, opts: CliOptions, io: CliIo): Promise<void> {
  const table = new EpochTable(learn.metrics.map((m) => m.name), io.out);
  const printer: Callback = {
    name: 'cliTable',
    order: 60,
    afterEpoch: () => {
      const row = learn.recorder.epochs.at(-1);
      io.status?.('');
      if (row) table.row(row);
    },
  };
  table.header();
  const onProgress = io.status ? (p: Progress) => io.status?.(progressText(p)) : undefined;
  try {
    await learn.fitOneCycle(opts.epochs, opts.lr, { callbacks: [printer], onProgress });
  } catch (e) {
    io.status?.('');
    if (e instanceof NonFiniteLossError) throw new CliError(e.message, 2);
    throw e;
  }
}

function progressText(p: Progress): string {
  const what = p.phase === 'valid' ? 'validating' : `batch ${p.batch + 1}/${p.batchesPerEpoch}, loss ${p.smoothLoss.toFixed(4)}`;
  return `epoch ${p.epoch + 1}/${p.epochs}: ${what}`;
}
