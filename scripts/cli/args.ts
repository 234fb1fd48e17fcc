import { parseArgs } from 'node:util';
import { SPEC_LIMITS, withinLimit, type NumberLimit } from '../../src/core/data/specChecks';
import type { LrSpec } from '../../src/core/train/schedules';
import { isSizeError, parseSize, sidesOf, type SizeSpec } from '../../src/core/data/sizeSpec';
import { TRAIN_LIMITS } from '../../src/core/train/trainLimits';
import { KNOWN_BODIES } from '../../src/core/model/bodies';

/**
 * The architectures the studio's Learner cell offers, by the names the command line takes: `auto`
 * (the studio's guess for the task), the two from-scratch CNNs, each known pretrained body with
 * fastai's head (`cnn_learner`) by its id, and the U-Net on each of the cell's encoders.
 */
export const ARCHS: readonly string[] = ['auto', 'smallCnn', 'xresnet', ...KNOWN_BODIES.map((b) => b.id), 'unet', 'unet_xresnet', 'unet_mobilenet_v2'];
/** One of `ARCHS`. */
export type CliArch = string;

/** `--arch`'s help lines: each name and what it builds. */
const ARCH_HELP = [
  ['auto', "the studio's guess: MobileNetV2 body (classes, tags), U-Net (masks), small CNN (points)"],
  ['smallCnn', 'small CNN from scratch'],
  ['xresnet', 'xresnet from scratch'],
  ...KNOWN_BODIES.map((b) => [b.id, `${b.label}, with a new head; starts frozen`]),
  ['unet', 'U-Net for segmentation, small-CNN encoder from scratch'],
  ['unet_xresnet', 'U-Net, xresnet encoder from scratch'],
  ['unet_mobilenet_v2', 'U-Net on the built-in ImageNet MobileNetV2 (starts frozen)'],
]
  .map(([name, text]) => `                     ${name.padEnd(18)} ${text}`)
  .join('\n');

/** Everything `npm run train -- ...` was told, checked and typed. */
export interface CliOptions {
  readonly folder: string;
  /** A CSV outside the folder, added to its files under its base name. */
  readonly csv?: string;
  /** Path of the data-block JSON (the spec the studio shows under its form); the studio's guess when absent. */
  readonly block?: string;
  readonly epochs: number;
  /** The LR finder's suggestion when absent. */
  readonly lr?: LrSpec;
  /** fastai's `fine_tune(epochs, lr)` instead of `fit_one_cycle(epochs, lr)`. */
  readonly fineTune: boolean;
  /** A frozen body trains as fastai's (batch norm on, augmented pictures), not on cached features. */
  readonly fullFrozen: boolean;
  readonly arch: CliArch;
  readonly out: string;
  /** Overrides `transforms.size` of the spec (the first of `sizes`). */
  readonly size?: SizeSpec;
  /** Progressive resizing: `epochs` at each size in turn, the learner kept (`--size 64,128`). */
  readonly sizes?: readonly SizeSpec[];
  /** fine_tune's frozen epochs (fastai's `freeze_epochs`; 1 when absent). */
  readonly freezeEpochs?: number;
  /** Overrides `batch.batchSize` of the spec. */
  readonly bs?: number;
  /** An unlabelled test folder to predict after training (fastai's `add_test_folder`). */
  readonly test?: string;
  /** Where the Kaggle submission of `test` goes (default: submission.csv in `out`). */
  readonly submission?: string;
  /** A folder for the PyTorch export (train.py, weights/, notebook.ipynb, README.md), written after training. */
  readonly python?: string;
}

/** A failure the command line reports in words and ends with `exitCode`, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The help text, printed with `--help` and after an argument error. */
export const USAGE = `Usage: npm run train -- --folder DIR --epochs N [options]

  --folder DIR     images (and CSVs) to train on, read like a folder dropped in the studio
  --csv FILE       a CSV kept elsewhere, used as if it were in DIR under its base name
  --block FILE     data-block JSON, as exported by the studio (default: the studio's guess)
  --epochs N       epochs of one-cycle training (of the unfrozen phase with --fine-tune), 1 to 1000
  --lr X           max learning rate (3e-3) or a discriminative slice lo,hi (1e-4,1e-2);
                   default: the studio's auto suggestion (the LR finder's candidates, each
                   trained and scored on the validation set)
  --arch NAME      what the studio's Learner cell offers (default auto):
${ARCH_HELP}
  --fine-tune      fastai's fine_tune: --freeze-epochs frozen at lr, then N unfrozen at slice(lr/200, lr/2)
  --freeze-epochs N  fine_tune's frozen epochs (default 1)
  --full-frozen    a frozen body trains as in fastai (batch norm on, augmented pictures) instead of
                   the default fast path (the head on the body's features, computed once)
  --out DIR        where model.json, weights.bin and studio.json go (default ./model-out)
  --size S         image side in pixels (8 to 1024) or height x width (120x160), overrides
                   transforms.size; a list 64,128 (or 60x80,120x160) resizes progressively:
                   --epochs at each size, the learner kept between them
  --bs B           batch size (1 to 1024), overrides batch.batchSize
  --python OUT     also write the PyTorch export into OUT: train.py (plain PyTorch, torchrun),
                   weights/, plan.json (these fits), notebook.ipynb (fastai v2), README.md
  --test DIR       unlabelled pictures to predict after training (Kaggle's test folder)
  --submission F   where the submission CSV goes (default OUT/submission.csv): image_name,tags
                   for multi-label at the threshold 0.2, id,label for single-label

       npm run train -- lr-find --folder DIR [--csv F] [--block F] [--arch A] [--size S] [--bs B] [--png FILE]

  Runs only the LR finder: the curve as a text chart on stdout (suggestions marked), a PNG of it
  (default lr-find.png), then one line of JSON with the suggestions.`;

/**
 * Parses the command line with `node:util` `parseArgs`; a wrong or missing value is a `CliError`.
 * @example parseCliArgs(['--folder', 'data', '--block', 'b.json', '--epochs', '1', '--lr', '1e-2'])
 */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      folder: { type: 'string' },
      csv: { type: 'string' },
      block: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      arch: { type: 'string', default: 'auto' },
      'fine-tune': { type: 'boolean', default: false },
      'freeze-epochs': { type: 'string' },
      'full-frozen': { type: 'boolean', default: false },
      out: { type: 'string', default: './model-out' },
      size: { type: 'string' },
      bs: { type: 'string' },
      test: { type: 'string' },
      submission: { type: 'string' },
      python: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const folder = required(values.folder, '--folder');
  const arch = parseArch(values.arch ?? 'auto');
  if (values['freeze-epochs'] !== undefined && !values['fine-tune']) throw new CliError('--freeze-epochs goes with --fine-tune');
  const freezeEpochs = values['freeze-epochs'] === undefined ? 1 : wholeIn(values['freeze-epochs'], '--freeze-epochs', TRAIN_LIMITS.epochs);
  const sizes = values.size === undefined ? undefined : parseSizes(values.size);
  const lr = values.lr === undefined ? undefined : parseLr(values.lr);
  if (values['fine-tune'] && Array.isArray(lr)) throw new CliError('--fine-tune takes one base learning rate (it makes the slice itself)');
  if (values.submission !== undefined && values.test === undefined) throw new CliError('--submission needs --test DIR: the pictures to predict');
  return {
    folder,
    block: values.block,
    csv: values.csv,
    epochs: wholeIn(required(values.epochs, '--epochs'), '--epochs', TRAIN_LIMITS.epochs),
    lr,
    fineTune: values['fine-tune'] ?? false,
    freezeEpochs,
    fullFrozen: values['full-frozen'] ?? false,
    arch,
    out: values.out ?? './model-out',
    size: sizes?.[0],
    ...(sizes && sizes.length > 1 ? { sizes } : {}),
    bs: values.bs === undefined ? undefined : wholeIn(values.bs, '--bs', SPEC_LIMITS.batchSize),
    ...(values.test !== undefined ? { test: values.test, submission: values.submission } : {}),
    ...(values.python !== undefined ? { python: pythonFolder(values.python) } : {}),
  };
}

/** Everything `npm run train -- lr-find ...` was told. */
export interface LrFindCliOptions {
  readonly folder: string;
  readonly csv?: string;
  readonly block?: string;
  readonly arch: CliArch;
  readonly size?: SizeSpec;
  readonly bs?: number;
  /** Where the PNG of the curve goes (default lr-find.png). */
  readonly png: string;
  /** A frozen body's finder runs on the whole model instead of the head on cached features. */
  readonly fullFrozen: boolean;
}

/**
 * Parses `lr-find`'s arguments (after the subcommand's name).
 * @example parseLrFindArgs(['--folder', 'data', '--png', 'curve.png'])
 */
export function parseLrFindArgs(argv: readonly string[]): LrFindCliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      folder: { type: 'string' },
      csv: { type: 'string' },
      block: { type: 'string' },
      arch: { type: 'string', default: 'auto' },
      size: { type: 'string' },
      bs: { type: 'string' },
      png: { type: 'string', default: 'lr-find.png' },
      'full-frozen': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    folder: required(values.folder, '--folder'),
    csv: values.csv,
    block: values.block,
    arch: parseArch(values.arch ?? 'auto'),
    size: values.size === undefined ? undefined : sizeIn(values.size),
    bs: values.bs === undefined ? undefined : wholeIn(values.bs, '--bs', SPEC_LIMITS.batchSize),
    png: values.png ?? 'lr-find.png',
    fullFrozen: values['full-frozen'] ?? false,
  };
}

/**
 * An `--arch` name, checked against `ARCHS`.
 * @example parseArch('unet') // 'unet'
 */
export function parseArch(text: string): CliArch {
  if (!ARCHS.includes(text)) throw new CliError(`--arch must be one of ${ARCHS.join(', ')}, not "${text}"`);
  return text;
}

/**
 * `--size`: one size, or a comma list for progressive resizing; each is one side or height x
 * width, every side within the studio's range.
 * @example parseSizes('64,128') // [64, 128]; parseSizes('60x80,120x160') // [[60, 80], [120, 160]]
 */
export function parseSizes(text: string): SizeSpec[] {
  return text.split(',').map(sizeIn);
}

/** One `--size` entry: `64` or `120x160`, each side within the studio's range. */
function sizeIn(text: string): SizeSpec {
  const parsed = /^\s*\d+\s*[x×X]\s*\d+\s*$/.test(text) ? parseSize(text) : wholeIn(text, '--size', SPEC_LIMITS.size);
  if (isSizeError(parsed)) throw new CliError(`--size: ${parsed.error}`);
  const { height, width } = sidesOf(parsed);
  for (const side of [height, width]) wholeIn(String(side), '--size', SPEC_LIMITS.size);
  return parsed;
}

/**
 * A learning rate (`3e-3`) or a slice (`1e-4,1e-2`: lowest for the first layer group, highest for the head).
 * @example parseLr('1e-4,1e-2') // [0.0001, 0.01]
 */
export function parseLr(text: string): LrSpec {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  const bad = parts.length > 2 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n) || n <= 0);
  if (bad) throw new CliError(`--lr must be a positive number (3e-3) or a slice lo,hi (1e-4,1e-2), not "${text}"`);
  if (nums.length === 1) return nums[0];
  if (nums[0] > nums[1]) throw new CliError(`--lr slice ${text}: the low rate comes first (lo,hi)`);
  return [nums[0], nums[1]];
}

/** `--python`'s folder, which must be named. */
function pythonFolder(value: string): string {
  if (value.trim() === '') throw new CliError('--python needs the folder to write the PyTorch export into');
  return value;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CliError(`${flag} is required`);
  return value;
}

/** A whole number within the same range as the studio's field; e.g. `--epochs 2.5` names the range. */
function wholeIn(text: string, flag: string, limit: NumberLimit): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!withinLimit(n, limit)) throw new CliError(`${flag} must be a whole number from ${limit.min} to ${limit.max}, not "${text}"`);
  return n;
}
