/**
 * Checks the values a person types into the data block's form (or into a block JSON for the
 * command line) before any file is read: each bad value is one blocking problem that names the
 * field as the form labels it, what it allows and what was typed. Without these, a size of 2.5
 * surfaced as a tfjs shape error at the first batch, a batch size of 0 as an endless epoch, and a
 * NaN amount as silently grey pictures.
 */
import type { DataBlockSpec, Problem } from './types';
import { formatSize, type SizeSpec } from './sizeSpec';

/** A number field's rule: its label on the form and its allowed range. */
export interface NumberLimit {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly int: boolean;
}

/** The allowed range of every number of the spec; the form's inputs take their min and max from here. */
export const SPEC_LIMITS = {
  size: { label: 'Size (px)', min: 8, max: 1024, int: true },
  maxRotate: { label: 'max_rotate (°)', min: 0, max: 180, int: false },
  maxZoom: { label: 'max_zoom', min: 1, max: 3, int: false },
  maxLighting: { label: 'max_lighting', min: 0, max: 0.99, int: false },
  maxWarp: { label: 'max_warp', min: 0, max: 0.9, int: false },
  pAffine: { label: 'p_affine', min: 0, max: 1, int: false },
  pLighting: { label: 'p_lighting', min: 0, max: 1, int: false },
  batchSize: { label: 'Batch size', min: 1, max: 1024, int: true },
  memoryMB: { label: 'Memory for pictures (MB)', min: 1, max: 16384, int: true },
} as const satisfies Record<string, NumberLimit>;

/** A value as a message quotes it: numbers plainly, text in quotes. */
function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? 'nothing');
}

/** True when `v` is a finite number within the limit. */
export function withinLimit(v: unknown, limit: Pick<NumberLimit, 'min' | 'max' | 'int'>): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (!limit.int || Number.isInteger(v)) && v >= limit.min && v <= limit.max;
}

/**
 * The message for a number outside its limit, or null when it is inside.
 * @example limitMessage(2.5, SPEC_LIMITS.size) // 'Size (px) must be a whole number from 8 to 1024, not 2.5'
 */
export function limitMessage(v: unknown, limit: NumberLimit): string | null {
  if (withinLimit(v, limit)) return null;
  const rule = `${limit.label} must be ${limit.int ? 'a whole number' : 'a number'} from ${limit.min} to ${limit.max}`;
  return typeof v === 'number' && Number.isNaN(v) ? `${rule}; it is empty or not a number` : `${rule}, not ${shown(v)}`;
}

/** The message for a size whose side (or either side of height × width) is outside the limit. */
function sizeMessage(size: SizeSpec): string | null {
  // A spec read from JSON may hold anything here; only a pair is checked side by side.
  if (!Array.isArray(size) || size.length !== 2) return limitMessage(size, SPEC_LIMITS.size);
  const bad = size.find((side) => !withinLimit(side, SPEC_LIMITS.size));
  const { min, max } = SPEC_LIMITS.size;
  return bad === undefined ? null : `Each side of Size (px) must be a whole number from ${min} to ${max}, not ${formatSize(size)}`;
}

const EXAMPLE_PATTERN = '^(.+)_\\d+\\.png$';

/**
 * Every bad value of the spec, one blocking problem each, in the form's order; empty when all are fine.
 * @example checkSpecValues({ ...spec, transforms: { ...spec.transforms, size: 0 } })[0].field // 'transforms.size'
 */
export function checkSpecValues(spec: DataBlockSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string | null) => {
    if (message !== null) problems.push({ level: 'error', blocking: true, field, message });
  };
  const named = (field: string, label: string, value: unknown, what: string) => {
    if (typeof value !== 'string' || value.trim() === '') add(field, `${label} is empty: type the name of ${what}`);
  };
  const COLUMN = 'a column of the CSV';

  const items = spec.items;
  if (items.kind === 'csv') {
    named('items.csvPath', 'CSV file', items.csvPath, 'the CSV among the chosen files');
    named('items.fileColumn', 'File column', items.fileColumn, 'the CSV column that holds the file names');
  }

  const label = spec.label;
  if (label.kind === 'csvColumn') named('label.column', 'Label column', label.column, COLUMN);
  else if (label.kind === 'regex') add('label.pattern', patternMessage(label.pattern));
  else if (label.kind === 'mask') {
    named('label.template', 'Mask path', label.template, 'the mask file, e.g. labels/{name}_P{ext}');
    named('label.codesPath', 'Codes file', label.codesPath, 'the codes.txt among the chosen files');
  } else if (label.kind === 'points') {
    named('label.xColumn', 'x column', label.xColumn, COLUMN);
    named('label.yColumn', 'y column', label.yColumn, COLUMN);
  }

  const split = spec.split;
  if (split.kind === 'folder') {
    named('split.train', 'Training folder', split.train, 'the folder that holds the training pictures');
    named('split.valid', 'Validation folder', split.valid, 'the folder that holds the validation pictures');
    if (split.train !== '' && split.train === split.valid) add('split.valid', `Training and validation folders are both "${split.train}": they must differ`);
  } else if (split.kind === 'random') {
    add('split.validPct', validPctMessage(split.validPct));
    add('split.seed', seedMessage(split.seed));
  } else {
    named('split.column', 'Split column', split.column, COLUMN);
  }

  const t = spec.transforms;
  add('transforms.size', sizeMessage(t.size));
  for (const key of ['maxRotate', 'maxZoom', 'maxLighting', 'maxWarp', 'pAffine', 'pLighting'] as const) add(`transforms.${key}`, limitMessage(t[key], SPEC_LIMITS[key]));

  add('batch.batchSize', limitMessage(spec.batch.batchSize, SPEC_LIMITS.batchSize));
  add('batch.seed', seedMessage(spec.batch.seed));
  if (spec.batch.memoryMB !== undefined) add('batch.memoryMB', limitMessage(spec.batch.memoryMB, SPEC_LIMITS.memoryMB));
  return problems;
}

/** The validation share is typed as a percent, so the message speaks in percent. */
function validPctMessage(v: unknown): string | null {
  if (typeof v === 'number' && v > 0 && v < 1) return null;
  const rule = 'Validation % must be more than 0 and less than 100';
  if (typeof v !== 'number') return `${rule}, not ${shown(v)}`;
  if (Number.isNaN(v)) return `${rule}; it is empty or not a number`;
  const pct = Number((v * 100).toPrecision(6));
  return `${rule}, not ${pct}${v === 0 ? ': with 0 nothing is left to validate on' : v === 1 ? ': with 100 nothing is left to train on' : ''}`;
}

/** A seed is any whole number (the generator works on its low 32 bits). */
function seedMessage(v: unknown): string | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return null;
  return typeof v === 'number' && Number.isNaN(v) ? 'Seed must be a whole number; it is empty or not a number' : `Seed must be a whole number, not ${shown(v)}`;
}

/** The filename pattern: non-empty, a valid regular expression, with a group for the label. */
function patternMessage(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern === '') return `The label pattern is empty: write a regular expression whose first group is the label, e.g. ${EXAMPLE_PATTERN}`;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    return `The label pattern /${pattern}/ is not a valid regular expression: ${(e as Error).message}`;
  }
  // An alternative that matches the empty string exposes how many groups the pattern has.
  const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
  return groups === 0 ? `The label pattern /${pattern}/ has no capture group: put the label part in parentheses, e.g. ${EXAMPLE_PATTERN}` : null;
}

/** The warning for a batch larger than the training set (the build goes on: each epoch is one smaller batch). */
export function batchSizeWarning(batchSize: number, trainCount: number): Problem | null {
  if (batchSize <= trainCount) return null;
  return { level: 'warning', field: 'batch.batchSize', message: `Batch size ${batchSize} is more than the ${trainCount} training pictures: each epoch is one batch of ${trainCount}` };
}
