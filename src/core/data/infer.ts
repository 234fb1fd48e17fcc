import { parseCsv, type CsvTable } from './csv';
import { imageSize } from './imageSize';
import { insideRoot } from './items';
import { baseName, dirName, extensionOf, isImagePath, joinPath, stem } from './paths';
import { decodeText } from './text';
import { sidesOf } from './sizeSpec';
import type { DataBlockSpec, ItemsSpec, LabelSpec, SourceFile, SplitSpec, TransformSpec } from './types';

/** fastai's `aug_transforms()` defaults, at a size that trains quickly in a browser. */
export const DEFAULT_TRANSFORMS: TransformSpec = {
  size: 64,
  resize: 'crop',
  flip: true,
  flipVert: false,
  maxRotate: 10,
  maxZoom: 1.1,
  maxLighting: 0.2,
  maxWarp: 0.2,
  pAffine: 0.75,
  pLighting: 0.75,
};

/** A spec that works for an ImageNet-style folder (`train/<class>/x.png`, `valid/<class>/y.png`). */
export const DEFAULT_SPEC: DataBlockSpec = {
  version: 1,
  items: { kind: 'folder' },
  label: { kind: 'parentFolder' },
  split: { kind: 'random', validPct: 0.2, seed: 42 },
  transforms: DEFAULT_TRANSFORMS,
  batch: { batchSize: 64, seed: 42 },
  normalize: { kind: 'imagenet' },
};

/**
 * Guesses a data block from what was loaded, the way a person reading the folder would:
 * a `codes.txt` means masks, a CSV with x/y columns means points, a CSV whose tag column
 * holds spaces means multi-label, and `train`/`valid` folders mean split by folder.
 * Every guess is only a default; the form shows it and the person can change it.
 */
export async function guessSpec(chosen: readonly SourceFile[]): Promise<DataBlockSpec> {
  // The build leaves out paths outside the chosen folder (`../evil.png`); so does the guess.
  const files = insideRoot(chosen).files;
  const layout = await guessLayout(files);
  const spec = { ...layout, batch: { ...layout.batch, batchSize: guessBatchSize(trainingPictures(files, layout.split)) } };
  const native = await nativeSize(files);
  // Small pictures (MNIST's 28 px) train at their own size: upscaling to 64 px would cost five
  // times the compute and add nothing, and fastai would not resize them unless asked.
  const { height, width } = sidesOf(spec.transforms.size);
  return native !== null && native < Math.min(height, width) ? { ...spec, transforms: { ...spec.transforms, size: native } } : spec;
}

/** Batches an epoch should have at least, so a small set still takes enough optimizer steps. */
const MIN_BATCHES_PER_EPOCH = 16;

/**
 * fastai's bs=64, made smaller for small sets: the largest power of two (at most 64, at least 8)
 * that gives an epoch at least 16 batches. A small set otherwise takes too few optimizer steps:
 * on planet_tiny's 320 tiles, 5 epochs at lr 1e-2 reached F2 0.55 at bs 64 (25 steps), 0.64 at
 * bs 32 and 0.69 at bs 16 (Teachable Machine's default is 16).
 * @example guessBatchSize(1200) // 64
 * @example guessBatchSize(560) // 32
 * @example guessBatchSize(320) // 16
 * @example guessBatchSize(40) // 8
 */
export function guessBatchSize(trainCount: number): number {
  let bs = DEFAULT_SPEC.batch.batchSize;
  while (bs > 8 && trainCount / bs < MIN_BATCHES_PER_EPOCH) bs /= 2;
  return bs;
}

/** About how many training pictures the files hold: those under the train folder, else 80% (masks left out). */
function trainingPictures(files: readonly SourceFile[], split: SplitSpec): number {
  const pictures = files.filter((f) => isImagePath(f.path) && !/_P$/i.test(stem(f.path)));
  if (split.kind === 'folder') return pictures.filter((f) => f.path.split('/').includes(split.train)).length;
  return Math.round(pictures.length * 0.8);
}

/**
 * The largest shorter side among the first pictures, read from their headers; null when a
 * header cannot be read (the default size stays).
 */
async function nativeSize(files: readonly SourceFile[], sample = 8): Promise<number | null> {
  const pictures = files.filter((f) => isImagePath(f.path) && f.size > 0 && !/_P$/i.test(stem(f.path))).slice(0, sample);
  if (pictures.length === 0) return null;
  let largest = 0;
  for (const f of pictures) {
    const size = imageSize(await f.read());
    if (!size) return null;
    largest = Math.max(largest, Math.min(size.width, size.height));
  }
  return largest;
}

async function guessLayout(files: readonly SourceFile[]): Promise<DataBlockSpec> {
  const paths = files.map((f) => f.path);
  const split = guessFolderSplit(paths);
  const codes = paths.find((p) => baseName(p).toLowerCase() === 'codes.txt');
  if (codes) return { ...DEFAULT_SPEC, ...guessMasks(paths, codes), split: split ?? DEFAULT_SPEC.split };
  // ImageNet style (`train/<class>/x.png`) wins over a CSV that repeats the same labels.
  if (split?.kind === 'folder' && paths.some((p) => isImagePath(p) && p.split('/').length >= 3 && p.split('/').includes(split.train))) {
    return { ...DEFAULT_SPEC, split };
  }
  const csvFile = files.find((f) => extensionOf(f.path) === '.csv');
  if (csvFile) {
    const table = parseCsv(csvFile.path, decodeText(csvFile.path, await csvFile.read()).text).table;
    const fromCsv = guessFromCsv(table, paths);
    if (fromCsv) return { ...DEFAULT_SPEC, ...fromCsv, split: fromCsv.split ?? split ?? DEFAULT_SPEC.split };
  }
  return { ...DEFAULT_SPEC, split: split ?? DEFAULT_SPEC.split };
}

function guessFolderSplit(paths: readonly string[]): SplitSpec | null {
  const folders = new Set(paths.flatMap((p) => p.split('/').slice(0, -1)));
  const valid = ['valid', 'val', 'validation', 'test'].find((n) => folders.has(n));
  return folders.has('train') && valid ? { kind: 'folder', train: 'train', valid } : null;
}

function guessMasks(paths: readonly string[], codesPath: string): Pick<DataBlockSpec, 'items' | 'label' | 'transforms'> {
  const images = paths.filter(isImagePath);
  const maskLike = images.filter((p) => /_P$/i.test(stem(p)));
  const maskFolder = maskLike.length ? dirName(maskLike[0]) : 'labels';
  const imageFolder = images.find((p) => dirName(p) !== maskFolder && !/_P$/i.test(stem(p)));
  const folder = imageFolder ? dirName(imageFolder) : 'images';
  const label: LabelSpec = { kind: 'mask', template: `${baseName(maskFolder)}/{name}_P{ext}`, codesPath, voidCode: 'Void' };
  const items: ItemsSpec = { kind: 'folder', folder };
  // Flipping a street scene upside down is not a scene; lighting and warps are fine.
  return { items, label, transforms: { ...DEFAULT_TRANSFORMS, resize: 'squish' } };
}

type CsvGuess = Pick<DataBlockSpec, 'items' | 'label'> & { split?: SplitSpec; transforms?: TransformSpec };

function guessFromCsv(table: CsvTable, paths: readonly string[]): CsvGuess | null {
  const fileColumn = table.columns.find((c) => table.rows.slice(0, 20).some((r) => looksLikeFile(r.values[c]))) ?? table.columns[0];
  // A header with no rows still says the labels live in this CSV: guess it, so the build says
  // the CSV has no rows rather than training on the folder names.
  if (!fileColumn) return null;
  const items = locateCsvItems(table, fileColumn, paths);
  const validColumn = table.columns.find((c) => /^is_?valid$/i.test(c));
  const split: SplitSpec | undefined = validColumn ? { kind: 'csvColumn', column: validColumn } : undefined;
  const x = table.columns.find((c) => /^(x|cx|x_?center|col)$/i.test(c));
  const y = table.columns.find((c) => /^(y|cy|y_?center|row)$/i.test(c));
  if (x && y) {
    // Flipping would move the point; fastai's head-pose lesson trains without flips too.
    return { items, label: { kind: 'points', xColumn: x, yColumn: y }, split, transforms: { ...DEFAULT_TRANSFORMS, flip: false, resize: 'squish' } };
  }
  const labelColumn = table.columns.find((c) => c !== fileColumn && c !== validColumn);
  if (!labelColumn) return null;
  const multi = table.rows.some((r) => /\s/.test(r.values[labelColumn].trim()));
  const label: LabelSpec = multi ? { kind: 'csvColumn', column: labelColumn, separator: ' ' } : { kind: 'csvColumn', column: labelColumn };
  // Satellite tiles have no up or down (Planet's dihedral flips); other pictures keep the defaults.
  return multi ? { items, label, split, transforms: { ...DEFAULT_TRANSFORMS, flipVert: true } } : { items, label, split };
}

function looksLikeFile(value: string | undefined): boolean {
  return value !== undefined && (isImagePath(value) || /^[\w.-]+(\/[\w.-]+)*$/.test(value)) && /[a-z_]/i.test(value);
}

/**
 * Finds the folder and suffix that turn the CSV's names into file paths: the names may be
 * full paths (`train/3/a.png`), bare names in a sub-folder, or names without a suffix (Planet).
 * Each of the first rows proposes a folder and suffix from the file it matches, and the one that
 * finds the most of those rows wins, so a first row with a typo (or a mis-decoded name) cannot
 * send every other row to the wrong folder.
 */
function locateCsvItems(table: CsvTable, fileColumn: string, paths: readonly string[]): ItemsSpec {
  // NFC, as the items step matches names: macOS lists `é` in NFD, a CSV usually holds NFC.
  const images = paths.filter(isImagePath).map((p) => p.normalize('NFC'));
  const pathSet = new Set(images);
  const names = table.rows
    .slice(0, 20)
    .map((r) => r.values[fileColumn]?.normalize('NFC') ?? '')
    .filter((n) => n !== '');
  const candidates = new Map<string, { folder: string; suffix: string }>([['/', { folder: '', suffix: '' }]]);
  for (const name of names) {
    const image = images.find((p) => p === name || p.endsWith('/' + name) || stem(p) === baseName(name));
    if (!image || pathSet.has(name)) continue;
    const suffix = isImagePath(name) ? '' : extensionOf(image);
    const folder = image.slice(0, image.length - (name + suffix).length).replace(/\/$/, '');
    candidates.set(`${folder}/${suffix}`, { folder, suffix });
  }
  const found = ({ folder, suffix }: { folder: string; suffix: string }) => names.filter((n) => pathSet.has(joinPath(folder, n + suffix))).length;
  const best = [...candidates.values()].reduce((a, b) => (found(b) > found(a) ? b : a));
  return { kind: 'csv', csvPath: table.path, fileColumn, ...best };
}
