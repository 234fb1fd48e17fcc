import { parseArgs } from 'node:util';
import { SPEC_LIMITS, withinLimit, type NumberLimit } from '../../src/core/data/specChecks';
import type { LrSpec } from '../../src/core/train/schedules';
import { TRAIN_LIMITS } from '../../src/state/inputChecks';

/** The architectures the command line can ask `buildModel` for; `auto` is the studio's guess for the task. */
export type CliArch = 'auto' | 'smallCnn' | 'xresnet' | 'mobilenet_v2';
const ARCHS: readonly CliArch[] = ['auto', 'smallCnn', 'xresnet', 'mobilenet_v2'];

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
  /** Overrides `transforms.size` of the spec. */
  readonly size?: number;
  /** Overrides `batch.batchSize` of the spec. */
  readonly bs?: number;
  /** An unlabelled test folder to predict after training (fastai's `add_test_folder`). */
  readonly test?: string;
  /** Where the Kaggle submission of `test` goes (default: submission.csv in `out`). */
  readonly submission?: string;
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
  --arch NAME      auto (default: the studio's guess, the ImageNet MobileNetV2 body for classes
                   and tags, a small CNN for points), mobilenet_v2, smallCnn or xresnet
  --fine-tune      fastai's fine_tune: 1 epoch frozen at lr, then N unfrozen at slice(lr/200, lr/2)
  --full-frozen    a frozen body trains as in fastai (batch norm on, augmented pictures) instead of
                   the default fast path (the head on the body's features, computed once)
  --out DIR        where model.json, weights.bin and studio.json go (default ./model-out)
  --size S         image side in pixels (8 to 1024), overrides transforms.size
  --bs B           batch size (1 to 1024), overrides batch.batchSize
  --test DIR       unlabelled pictures to predict after training (Kaggle's test folder)
  --submission F   where the submission CSV goes (default OUT/submission.csv): image_name,tags
                   for multi-label at the threshold 0.2, id,label for single-label`;

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
      'full-frozen': { type: 'boolean', default: false },
      out: { type: 'string', default: './model-out' },
      size: { type: 'string' },
      bs: { type: 'string' },
      test: { type: 'string' },
      submission: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const folder = required(values.folder, '--folder');
  const arch = values.arch as CliArch;
  if (!ARCHS.includes(arch)) throw new CliError(`--arch must be one of ${ARCHS.join(', ')}, not "${values.arch}"`);
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
    fullFrozen: values['full-frozen'] ?? false,
    arch,
    out: values.out ?? './model-out',
    size: values.size === undefined ? undefined : wholeIn(values.size, '--size', SPEC_LIMITS.size),
    bs: values.bs === undefined ? undefined : wholeIn(values.bs, '--bs', SPEC_LIMITS.batchSize),
    ...(values.test !== undefined ? { test: values.test, submission: values.submission } : {}),
  };
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
