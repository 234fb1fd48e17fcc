import type { DataLoader, DataLoaders } from './batch';
import { readSpecCsv, unusedEmptyCsvs } from './csvInput';
import { DECODED_BUDGET_BYTES, decodeItems, keptSize, type BlockItem, type DecodeProgress } from './decode';
import { computeStats } from './examples';
import { collectItems, insideRoot } from './items';
import { labelItems } from './labels';
import { makeLoader } from './loader';
import type { BatchPreparer } from './preparePool';
import { checkHeaders, keptPixels, loadAll, streamedPixels, type PixelSource } from './pixels';
import { batchSizeWarning, checkSpecValues } from './specChecks';
import { missingTrainClasses, missingValidClasses, splitItems } from './split';
import { readTextFile } from './text';
import { formatSize, sidesOf } from './sizeSpec';
import { IMAGENET_STATS } from '../transforms/augment';
import type { DataBlockSpec, ImageDecoder, Problem, SourceFile, Stats, Task } from './types';

/** What one step of the block did, in words, for the summary. */
export interface StepReport {
  readonly step: 'items' | 'labels' | 'split' | 'decode';
  readonly text: string;
}

/** A built data block: training and validation items, their pixels, and everything learned on the way. */
export interface DataBlock {
  /** False when a blocking problem stopped the build; `problems` says why. */
  readonly ok: boolean;
  readonly task: Task;
  readonly classes: readonly string[];
  readonly voidIndex: number;
  readonly train: readonly BlockItem[];
  readonly valid: readonly BlockItem[];
  /** Kept pixels (every item carries its own), or a stream that decodes them as batches need them. */
  readonly pixels: PixelSource;
  readonly stats: Stats;
  /** Non-image or unused files, listed so nothing disappears silently. */
  readonly skipped: readonly string[];
  readonly problems: readonly Problem[];
  readonly steps: readonly StepReport[];
}

/** Inputs to a build besides the spec. */
export interface BuildInputs {
  readonly files: readonly SourceFile[];
  readonly decode: ImageDecoder;
  readonly onProgress?: DecodeProgress;
}

/**
 * Runs the data block: items -> labels -> split -> decode. It stops at the first blocking
 * problem and otherwise keeps every valid item, listing the rest.
 * @example const block = await buildDataBlock(spec, { files, decode }); block.train.length
 */
export async function buildDataBlock(spec: DataBlockSpec, inputs: BuildInputs): Promise<DataBlock> {
  const problems: Problem[] = [];
  const steps: StepReport[] = [];
  const failed = (task: Task, classes: string[] = [], skipped: string[] = []): DataBlock => ({
    ok: false,
    task,
    classes,
    voidIndex: -1,
    train: [],
    valid: [],
    pixels: keptPixels(),
    stats: IMAGENET_STATS,
    skipped,
    problems,
    steps,
  });
  // Values typed into the form are checked before any file is read: a bad one names its field.
  problems.push(...checkSpecValues(spec));
  if (hasBlocking(problems)) return failed('single');
  // A path outside the chosen folder (a zip's `../evil.png`) is no file of the set: nothing sees it.
  const { files, problems: outside } = insideRoot(inputs.files);
  problems.push(...outside);
  const csv = await readSpecCsv(spec, files, problems);
  problems.push(...(await unusedEmptyCsvs(spec, files)));
  const items = collectItems(spec.items, files, csv);
  problems.push(...items.problems);
  steps.push({ step: 'items', text: `${items.items.length} items found; ${items.skipped.length} other files skipped` });
  if (hasBlocking(problems)) return failed('single', [], items.skipped);

  const codes = spec.label.kind === 'mask' ? await readTextFile(files, spec.label.codesPath) : null;
  problems.push(...(codes?.problems ?? []));
  const csvPath = spec.items.kind === 'csv' ? spec.items.csvPath : undefined;
  const labels = labelItems(spec.label, items.items, files, codes?.text ?? null, csvPath);
  problems.push(...labels.problems);
  // Masks, codes.txt and the CSV are used as labels, not skipped.
  const used = new Set([
    ...labels.labeled.flatMap((i) => (i.label.kind === 'mask' ? [i.label.file.path] : [])),
    spec.label.kind === 'mask' ? spec.label.codesPath : '',
    spec.items.kind === 'csv' ? spec.items.csvPath : '',
  ]);
  const skipped = items.skipped.filter((p) => !used.has(p));
  steps.push({ step: 'labels', text: `${labels.labeled.length} items labelled; task ${labels.task}; ${labels.classes.length} classes${labels.classes.length ? ': ' + preview(labels.classes) : ''}` });
  if (hasBlocking(problems)) return failed(labels.task, labels.classes, skipped);

  const split = splitItems(spec.split, labels.labeled, csvPath);
  problems.push(...split.problems, ...missingTrainClasses(labels.task, labels.classes, split.train, split.valid), ...missingValidClasses(labels.task, labels.classes, split.valid));
  steps.push({ step: 'split', text: `${split.train.length} training, ${split.valid.length} validation` });
  if (hasBlocking(problems)) return failed(labels.task, labels.classes, skipped);

  const toDecode = [...split.train, ...split.valid];
  // Decoding keeps pictures around twice the longer training side, so a rectangle is budgeted as
  // the square on its longer side.
  const { height, width } = sidesOf(spec.transforms.size);
  const size = Math.max(height, width);
  const budget = memoryBudgetBytes(spec);
  const kept = keptSize(toDecode.length, size, budget);
  const numCodes = labels.classes.length;
  let entries: BlockItem[];
  let pixels: PixelSource;
  if (kept.overBudget) {
    // Too many to keep even at the training size: check the headers now, decode per batch later.
    const checked = await checkHeaders(toDecode, inputs.onProgress);
    problems.push(...checked.problems);
    entries = checked.ok.map((item) => ({ item }));
    pixels = streamedPixels(inputs.decode, { shortSide: size, numCodes, budgetBytes: budget });
    const needed = Math.round((toDecode.length * 4 * size * size) / 2 ** 20);
    steps.push({
      step: 'decode',
      text: `${entries.length} images checked by their headers, ${checked.problems.length} skipped; streamed: at ${formatSize(spec.transforms.size)} px they need ${needed} MB, over the ${mib(budget)} MB memory budget, so each batch decodes its pictures again and the most recent ${mib(budget)} MB are kept`,
    });
  } else {
    const all = await decodeItems(toDecode, inputs.decode, { size, numCodes, onProgress: inputs.onProgress, shortSide: kept.shortSide });
    problems.push(...all.problems);
    entries = all.decoded;
    pixels = keptPixels();
    const keptNote = kept.shortSide < 2 * size ? ` (kept at ${kept.shortSide} px on the shorter side to stay within the ${mib(budget)} MB memory budget)` : '';
    steps.push({ step: 'decode', text: `${all.decoded.length} images decoded, ${all.problems.length} skipped${keptNote}` });
  }
  const validPaths = new Set(split.valid.map((i) => i.path));
  const train = entries.filter((d) => !validPaths.has(d.item.path));
  const valid = entries.filter((d) => validPaths.has(d.item.path));
  if (train.length === 0 || valid.length === 0) {
    problems.push({ level: 'error', blocking: true, field: 'split', message: `No ${train.length === 0 ? 'training' : 'validation'} image could be ${pixels.streamed ? 'read' : 'decoded'}` });
    return failed(labels.task, labels.classes, skipped);
  }
  const tooBig = batchSizeWarning(spec.batch.batchSize, train.length);
  if (tooBig) problems.push(tooBig);
  const stats =
    spec.normalize.kind === 'imagenet' ? IMAGENET_STATS : spec.normalize.kind === 'data' ? computeStats(await loadAll(pixels, train.slice(0, STATS_SAMPLE))) : { mean: [0, 0, 0] as const, std: [1, 1, 1] as const };
  return { ok: true, task: labels.task, classes: labels.classes, voidIndex: labels.voidIndex, train, valid, pixels, stats, skipped, problems, steps };
}

/** Training pictures that statistics computed from the data are taken from. */
const STATS_SAMPLE = 512;

/** Bytes of decoded pixels the spec lets a block keep. */
export function memoryBudgetBytes(spec: DataBlockSpec): number {
  return Math.max(1, spec.batch.memoryMB ?? DECODED_BUDGET_BYTES / 2 ** 20) * 2 ** 20;
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

/** Loader options shared by a block's loaders. */
function loaderOptions(block: DataBlock, spec: DataBlockSpec) {
  return { task: block.task, numClasses: block.classes.length, transforms: spec.transforms, batchSize: spec.batch.batchSize, seed: spec.batch.seed, stats: block.stats };
}

/**
 * Makes the training and validation loaders of a built block; cheap, so a size change just calls
 * it again. `preparer`, when given, makes the training batches on wasm and CPU (see `makeLoader`).
 */
export function makeDataLoaders(block: DataBlock, spec: DataBlockSpec, preparer?: BatchPreparer): DataLoaders {
  const common = loaderOptions(block, spec);
  return {
    task: block.task,
    classes: block.classes,
    voidIndex: block.voidIndex,
    ...sidesOf(spec.transforms.size),
    stats: block.stats,
    train: makeLoader(block.train, block.pixels, { ...common, train: true, preparer }),
    valid: makeLoader(block.valid, block.pixels, { ...common, train: false }),
  };
}

/**
 * The training pictures as validation sees them (no augmentation, the same every epoch): what the
 * frozen fast path caches, and where trivial baselines read training targets (augmentation moves masks and points).
 */
export function plainTrainLoader(block: DataBlock, spec: DataBlockSpec): DataLoader {
  return makeLoader(block.train, block.pixels, { ...loaderOptions(block, spec), train: false });
}

function hasBlocking(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.blocking);
}

function preview(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, …`;
}
