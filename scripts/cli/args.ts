import { parseArgs } from 'node:util';
import type { LrSpec } from '../../src/core/train/schedules';

/** The architectures the command line can ask `buildModel` for. */
export type CliArch = 'smallCnn' | 'xresnet';

/** Everything `npm run train -- ...` was told, checked and typed. */
export interface CliOptions {
  readonly folder: string;
  /** A CSV outside the folder, added to its files under its base name. */
  readonly csv?: string;
  /** Path of the data-block JSON (the spec the studio shows under its form). */
  readonly block: string;
  readonly epochs: number;
  readonly lr: LrSpec;
  readonly arch: CliArch;
  readonly out: string;
  /** Overrides `transforms.size` of the spec. */
  readonly size?: number;
  /** Overrides `batch.batchSize` of the spec. */
  readonly bs?: number;
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
export const USAGE = `Usage: npm run train -- --folder DIR --block block.json --epochs N --lr X [options]

  --folder DIR     images (and CSVs) to train on, read like a folder dropped in the studio
  --csv FILE       a CSV kept elsewhere, used as if it were in DIR under its base name
  --block FILE     data-block JSON, as exported by the studio (the spec under the form)
  --epochs N       epochs of one-cycle training
  --lr X           max learning rate (3e-3) or a discriminative slice lo,hi (1e-4,1e-2)
  --arch NAME      smallCnn (default) or xresnet
  --out DIR        where model.json, weights.bin and studio.json go (default ./model-out)
  --size S         image side in pixels, overrides transforms.size
  --bs B           batch size, overrides batch.batchSize`;

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
      arch: { type: 'string', default: 'smallCnn' },
      out: { type: 'string', default: './model-out' },
      size: { type: 'string' },
      bs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const folder = required(values.folder, '--folder');
  const block = required(values.block, '--block');
  const arch = values.arch;
  if (arch !== 'smallCnn' && arch !== 'xresnet') throw new CliError(`--arch must be smallCnn or xresnet, not "${arch}"`);
  return {
    folder,
    block,
    csv: values.csv,
    epochs: positiveInt(required(values.epochs, '--epochs'), '--epochs'),
    lr: parseLr(required(values.lr, '--lr')),
    arch,
    out: values.out ?? './model-out',
    size: values.size === undefined ? undefined : positiveInt(values.size, '--size'),
    bs: values.bs === undefined ? undefined : positiveInt(values.bs, '--bs'),
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

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive whole number, not "${text}"`);
  return n;
}
