import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDataLoaders, plainTrainLoader } from '../../src/core/data/block';
import type { DataLoaders } from '../../src/core/data/batch';
import { chooseBackend } from '../../src/core/tf/backend';
import { NonFiniteLossError, type Callback } from '../../src/core/train/callback';
import { Learner, type Progress } from '../../src/core/train/learner';
import type { ArchSpec } from '../../src/core/model/archSpec';
import { archName, buildModel, startsFrozen } from '../../src/core/model/build';
import { guessSpec } from '../../src/core/data/infer';
import type { DataBlockSpec, Task } from '../../src/core/data/types';
import { KNOWN_BODIES, MOBILENET_V2 } from '../../src/core/model/bodies';
import { fineTune } from '../../src/core/train/fineTune';
import { FAST_PATH_PROBES, autoLr } from '../../src/core/train/autoLr';
import { fastHeadLearner } from '../../src/core/train/fastHead';
import type { DataBlock } from '../../src/core/data/block';
import type { FitOptions } from '../../src/core/train/learner';
import type { OneCycleOptions } from '../../src/core/train/schedules';
import type { LrSpec } from '../../src/core/train/schedules';
import { backboneLoader } from '../../src/io/backbone';
import { serveFolder } from '../../src/io/node/staticServer';
import { guessArch, pretrainedArch } from '../../src/core/model/guessArch';
import { ARCHS, CliError, type CliArch, type CliOptions, type LrFindCliOptions } from './args';
import { pngChart, textChart } from './lrChart';
import type { LrSuggestions } from '../../src/core/train/lrFinder';
import type { SourceFile } from '../../src/core/data/types';
import { buildBlockOrFail, gatherFiles, loadSpec } from './data';
import { learnerManifest } from '../../src/core/project/learnerBundle';
import { finalMetrics, writeBundle, type FinalMetrics } from './output';
import { writePythonExport } from './pythonExport';
import { EpochTable } from './table';
import { isImagePath } from '../../src/core/data/paths';
import { submissionCsv } from '../../src/core/interpret/submission';
import { decodeInNode } from '../../src/io/node/nodeDecode';
import { predictPicture } from '../../src/core/train/predictPicture';
import { formatSize, sizeFromSides, type SizeSpec } from '../../src/core/data/sizeSpec';

/** lesson 3's multi-label threshold, which the CLI's metrics use too. */
const DEFAULT_THRESHOLD = 0.2;

/** The project's root (scripts/cli/ is two levels down), where `public/models` lives. */
const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the command line writes: `out` is stdout (the table), `err` is stderr (everything else). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Rewrites one status line in place (a terminal's progress); absent when stderr is not a terminal. */
  readonly status?: (text: string) => void;
}

/** What both commands set up: the files, the spec, its block and loaders, the architecture and its learner. */
interface Setup {
  readonly files: SourceFile[];
  readonly spec: DataBlockSpec;
  readonly block: DataBlock;
  readonly dls: DataLoaders;
  readonly arch: ArchSpec;
  readonly learn: Learner;
}

/** The `--arch` names built without a pretrained body, so no local server is needed for them. */
const FROM_SCRATCH = new Set(['smallCnn', 'xresnet', 'unet', 'unet_xresnet']);

/**
 * Files, data block (given or guessed, printed then), backend, loaders and learner, as the studio
 * builds them; a pretrained body starts frozen, as with fastai's cnn_learner.
 */
async function setUp(opts: { readonly folder: string; readonly csv?: string; readonly block?: string; readonly size?: SizeSpec; readonly bs?: number; readonly arch: CliArch }, io: CliIo): Promise<Setup> {
  const files = gatherFiles(opts.folder, opts.csv);
  const spec = opts.block ? loadSpec(opts.block, { size: opts.size, bs: opts.bs }) : withOverrides(await guessSpec(files), opts);
  if (!opts.block) io.err(`data block: the studio's guess: ${JSON.stringify(spec)}`);
  // wasm, with the studio's gradient kernels, is several times faster than the CPU backend in Node.
  const backend = await chooseBackend(['wasm', 'cpu']);
  io.err(`backend: ${backend.name} (${backend.reason})`);
  const block = await buildBlockOrFail(spec, files, io.err);
  const dls = makeDataLoaders(block, spec);
  // A pretrained body loads over HTTP, through the page's own loading code.
  const server = FROM_SCRATCH.has(opts.arch) ? null : await serveFolder(join(PROJECT_ROOT, 'public'));
  const arch = cliArch(opts.arch, dls.task, server ? `${server.url}/` : '');
  let learn: Learner;
  try {
    learn = await makeLearner(arch, dls);
  } finally {
    server?.close();
  }
  if (startsFrozen(arch)) learn.freeze();
  io.err(
    `learner: ${archName(arch)}${startsFrozen(arch) ? ', body frozen' : ''}, ${dls.task} task, ${dls.classes.length} classes, ${dls.train.count} training and ${dls.valid.count} validation images at ${formatSize(sizeFromSides(dls))}px, batch ${dls.train.batchSize}`,
  );
  return { files, spec, block, dls, arch, learn };
}

/**
 * The whole command: data block from files, learner on wasm, one-cycle (or fine_tune) with
 * fastai's table printed as epochs finish, at each `--size` in turn (progressive resizing: the
 * block rebuilt at the next size, the learner kept), then `model.json` + `weights.bin` +
 * `studio.json` in `--out`. Resolves to the final metrics; bad input and NaN losses are `CliError`s.
 */
export async function trainFromCli(opts: CliOptions, io: CliIo): Promise<FinalMetrics> {
  const { files, learn, arch, ...first } = await setUp(opts, io);
  let { spec, block } = first;
  const sizes = opts.sizes ?? [spec.transforms.size];
  try {
    let fast = fastPath(learn, block, spec, arch, opts.fullFrozen);
    // On the fast path auto's probes are the fit itself (fine_tune's frozen part: pct_start 0.99).
    const probeFit = opts.fineTune ? { epochs: opts.freezeEpochs ?? 1, pctStart: 0.99 } : { epochs: opts.epochs };
    const suggested = opts.lr === undefined ? await suggestedLr(learn, fast, io, probeFit) : null;
    const lr = opts.lr ?? suggested!.lr;
    // fine_tune's unfrozen phase takes valley when auto chose more (see FineTuneOptions.unfrozenBaseLr).
    const unfrozenBaseLr = suggested && suggested.valley < suggested.lr ? suggested.valley : undefined;
    const table = new EpochTable(
      learn.metrics.map((m) => m.name),
      io.out,
    );
    table.header();
    for (const [i, size] of sizes.entries()) {
      if (i > 0) {
        // Progressive resizing, as the worker's setData: a new block at the next size, the same learner.
        io.err(`size ${formatSize(size)}: rebuilding the data block, keeping the learner`);
        spec = { ...spec, transforms: { ...spec.transforms, size } };
        block = await buildBlockOrFail(spec, files, io.err);
        learn.replaceData(makeDataLoaders(block, spec));
        if (startsFrozen(arch)) learn.freeze();
        fast = fastPath(learn, block, spec, arch, opts.fullFrozen);
        table.continueNumbering();
      }
      if (sizes.length > 1) io.err(`size ${formatSize(size)}: ${opts.epochs} epoch${opts.epochs === 1 ? '' : 's'}`);
      await fitWithTable(learn, { ...opts, lr, unfrozenBaseLr }, fast, table, io);
    }
    const manifest = learnerManifest(learn, learn.dls, spec, arch);
    const written = await writeBundle(opts.out, learn, manifest);
    io.err(`saved ${written.join(', ')}`);
    if (opts.python) {
      const runs = { sizes, epochs: opts.epochs, lr, frozen: startsFrozen(arch), fineTune: opts.fineTune, freezeEpochs: opts.freezeEpochs ?? 1 };
      const exported = await writePythonExport(opts.python, learn, manifest, runs, { wd: learn.wd, threshold: DEFAULT_THRESHOLD, beta: 2 });
      io.err(`PyTorch export: ${exported.length} files in ${opts.python} (python3 ${join(opts.python, 'train.py')} --data ${opts.folder} --out OUT)`);
    }
    if (opts.test) await writeSubmission(opts.test, opts.submission ?? join(opts.out, 'submission.csv'), learn, spec, io);
    return finalMetrics(learn.recorder.epochs);
  } finally {
    learn.dispose();
    learn.model.dispose();
  }
}

/** `lr-find`'s result: fastai's four suggestions, or null when too few losses were finite. */
export type LrFindCliResult = LrSuggestions | null;

/**
 * `npm run train -- lr-find`: the same setup, then only the LR finder (on the head over cached
 * features for a frozen body, as the studio's finder, unless `--full-frozen`); prints the curve
 * as a text chart on stdout and writes it as a PNG. Resolves to the suggestions.
 */
export async function lrFindFromCli(opts: LrFindCliOptions, io: CliIo): Promise<LrFindCliResult> {
  const { learn, arch, block, spec } = await setUp(opts, io);
  try {
    const fast = fastPath(learn, block, spec, arch, opts.fullFrozen);
    const onProgress = io.status ? (p: Progress) => io.status?.(`lr finder: batch ${p.batch + 1}, loss ${p.smoothLoss.toFixed(4)}`) : undefined;
    const find = (l: Learner) => l.lrFind({ numIt: 100, onProgress });
    const found = fast ? await fast(find) : await find(learn);
    io.status?.('');
    if (found.losses.filter(Number.isFinite).length < 2) throw new CliError('The LR finder recorded too few finite losses to draw');
    for (const line of textChart(found.lrs, found.losses, found.suggestions)) io.out(line);
    mkdirSync(dirname(resolve(opts.png)), { recursive: true });
    writeFileSync(opts.png, pngChart(found.lrs, found.losses, found.suggestions));
    io.err(`lr finder: ${found.lrs.length} rates from ${found.lrs[0].toExponential(2)} to ${found.lrs.at(-1)!.toExponential(2)}, curve written to ${opts.png}`);
    if (!found.suggestions) io.err('lr finder: too few finite losses for suggestions');
    return found.suggestions;
  } finally {
    learn.dispose();
    learn.model.dispose();
  }
}

/** Builds the network through the worker's `buildModel`, so both paths train the same models. */
async function makeLearner(arch: ArchSpec, dls: DataLoaders): Promise<Learner> {
  try {
    return new Learner(dls, await buildModel(arch, dls.task, dls.classes.length, dls, backboneLoader));
  } catch (e) {
    throw new CliError(`Cannot build the model: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The architecture `--arch` names (see `ARCHS`); `auto` is the page's guess for the task. */
function cliArch(arch: CliArch, task: Task, baseUrl: string): ArchSpec {
  switch (arch) {
    case 'auto':
      return guessArch(task, baseUrl);
    case 'xresnet':
      return { kind: 'xresnet' };
    case 'smallCnn':
      return { kind: 'smallCnn' };
    case 'unet':
      return { kind: 'unet', encoder: 'smallCnn' };
    case 'unet_xresnet':
      return { kind: 'unet', encoder: 'xresnet' };
    case 'unet_mobilenet_v2': {
      // The Learner cell's U-Net on the built-in ImageNet body (fastai's unet_learner(dls, resnet34)).
      const body = pretrainedArch(MOBILENET_V2, baseUrl);
      return { kind: 'unet', encoder: 'pretrained', url: body.url, cut: body.cut, normalization: body.normalization };
    }
  }
  const body = KNOWN_BODIES.find((b) => b.id === arch);
  if (!body) throw new CliError(`--arch must be one of ${ARCHS.join(', ')}, not "${arch}"`);
  return pretrainedArch(body, baseUrl);
}

/** `--size` and `--bs` on a guessed spec. */
function withOverrides(spec: DataBlockSpec, opts: { readonly size?: SizeSpec; readonly bs?: number }): DataBlockSpec {
  return { ...spec, transforms: { ...spec.transforms, size: opts.size ?? spec.transforms.size }, batch: { ...spec.batch, batchSize: opts.bs ?? spec.batch.batchSize } };
}

/** Runs `use` on a head learner over the frozen body's cached features (see fastHead.ts); null: no fast path. */
type FastPath = (<T>(use: (head: Learner) => Promise<T>) => Promise<T>) | null;

/**
 * The fast path for a frozen body (the default, as in the studio; `--full-frozen` turns it off):
 * the training pictures without augmentation, through the body once per use.
 */
function fastPath(learn: Learner, block: DataBlock, spec: DataBlockSpec, arch: ArchSpec, off: boolean): FastPath {
  // A U-Net's decoder reads every resolution of the body, not one cached feature map: it trains whole, as in fastai.
  if (!startsFrozen(arch) || off || arch.kind === 'unet') return null;
  const plain = plainTrainLoader(block, spec);
  return async (use) => {
    const fast = await fastHeadLearner(learn, plain, { seed: spec.batch.seed });
    if (!fast) throw new CliError('This model cannot train its head on cached features: use --full-frozen');
    try {
      return await use(fast.learner);
    } finally {
      fast.dispose();
    }
  };
}

/** The studio's `auto` rate (the finder's candidates, each probed; see autoLr.ts) and fastai's valley; weights are restored after. */
async function suggestedLr(learn: Learner, fast: FastPath, io: CliIo, fit: { readonly epochs: number; readonly pctStart?: number }): Promise<{ lr: number; valley: number }> {
  const suggest = async (l: Learner) => {
    const found = await l.lrFind({ numIt: 100 });
    if (!found.suggestions) throw new CliError('The LR finder could not suggest a learning rate (too few finite losses): give --lr');
    return { found: found.suggestions, auto: await autoLr(l, found.suggestions, l === learn ? fit : { ...fit, ...FAST_PATH_PROBES }) };
  };
  // With the fast path, the finder runs on what the fit will train: the head on cached features.
  const { found, auto } = fast ? await fast(suggest) : await suggest(learn);
  io.err(`lr finder: valley ${found.valley.toExponential(2)}, slide ${found.slide.toExponential(2)}, steepest ${found.steep.toExponential(2)}, minimum/10 ${found.minimum.toExponential(2)}`);
  io.err(`lr: ${auto.lr.toExponential(2)}, auto: ${auto.reason}`);
  return { lr: auto.lr, valley: found.valley };
}

/** `fitOneCycle` (or fastai's `fine_tune`), one table row per finished epoch; a NaN loss exits 2. */
async function fitWithTable(learn: Learner, opts: CliOptions & { readonly lr: LrSpec; readonly unfrozenBaseLr?: number }, fast: FastPath, table: EpochTable, io: CliIo): Promise<void> {
  const printer = (runner: Learner): Callback => ({
    name: 'cliTable',
    order: 60,
    afterEpoch: () => {
      const row = runner.recorder.epochs.at(-1);
      io.status?.('');
      if (row) table.row(row);
    },
  });
  const onProgress = io.status ? (p: Progress) => io.status?.(progressText(p)) : undefined;
  // The frozen phase on the fast path: the head trains on the body's features, computed once.
  const frozenFit = fast ? (n: number, lr: LrSpec, o: FitOptions & OneCycleOptions) => fast((head) => head.fitOneCycle(n, lr, { ...o, callbacks: [printer(head)] })) : undefined;
  try {
    if (opts.fineTune && typeof opts.lr === 'number')
      await fineTune(learn, opts.epochs, opts.lr, { callbacks: [printer(learn)], onProgress, frozenFit, freezeEpochs: opts.freezeEpochs, unfrozenBaseLr: opts.unfrozenBaseLr });
    else if (frozenFit) await frozenFit(opts.epochs, opts.lr, { onProgress });
    else await learn.fitOneCycle(opts.epochs, opts.lr, { callbacks: [printer(learn)], onProgress });
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

/** fastai's `add_test_folder` and a Kaggle submission: every picture of `testDir` predicted, the CSV written. */
async function writeSubmission(testDir: string, path: string, learn: Learner, spec: DataBlockSpec, io: CliIo): Promise<void> {
  const pictures = gatherFiles(testDir).filter((f) => isImagePath(f.path));
  if (pictures.length === 0) throw new CliError(`--test ${testDir} holds no pictures`);
  const view = { task: learn.dls.task, classes: learn.dls.classes, height: learn.dls.height, width: learn.dls.width, stats: learn.dls.stats, resize: spec.transforms.resize };
  const predictions = [];
  for (const file of pictures) {
    try {
      predictions.push({ path: file.path, values: (await predictPicture(learn.model, view, await decodeInNode(file))).values });
    } catch (e) {
      // One unreadable picture is named and left out; the others are still predicted.
      io.err(`skipped ${file.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const csv = submissionCsv(predictions, { task: view.task, classes: view.classes, thresh: DEFAULT_THRESHOLD, suffix: spec.items.kind === 'csv' ? spec.items.suffix : undefined });
  if (csv === null) throw new CliError(`--test makes a submission for single-label and multi-label data, not ${view.task}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, csv);
  io.err(`submission: ${predictions.length} of ${pictures.length} test pictures predicted, written to ${path}`);
}
