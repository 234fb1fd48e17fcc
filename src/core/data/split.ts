import { isFalsy, isTruthy } from './csv';
import { missingColumn } from './labels';
import { makeRng, shuffled } from './random';
import type { LabeledItem, Problem, SplitSpec, Task } from './types';

/** Training and validation items, plus items that belong to neither and the problems found. */
export interface SplitResult {
  readonly train: LabeledItem[];
  readonly valid: LabeledItem[];
  /** Items in neither set (e.g. a `test/` folder with split-by-folder). */
  readonly unused: string[];
  readonly problems: Problem[];
}

/** Splits labelled items as the spec says; items must arrive sorted by path for determinism. */
export function splitItems(spec: SplitSpec, items: readonly LabeledItem[], csvPath?: string): SplitResult {
  const result = spec.kind === 'folder' ? byFolder(spec, items) : spec.kind === 'random' ? byRandom(spec, items) : byColumn(spec.column, items, csvPath);
  return { ...result, problems: [...result.problems, ...emptySplitProblems(result)] };
}

function byFolder(spec: Extract<SplitSpec, { kind: 'folder' }>, items: readonly LabeledItem[]): SplitResult {
  const train: LabeledItem[] = [];
  const valid: LabeledItem[] = [];
  const unused: string[] = [];
  for (const item of items) {
    // fastai's GrandparentSplitter looks at one level; any folder on the path is friendlier.
    const segments = item.path.split('/').slice(0, -1);
    if (segments.includes(spec.valid)) valid.push(item);
    else if (segments.includes(spec.train)) train.push(item);
    else unused.push(item.path);
  }
  const problems: Problem[] = unused.length > 0 ? [{ level: 'warning', field: 'split', message: `${unused.length} item(s) are in neither "${spec.train}" nor "${spec.valid}" and are left out, e.g. ${unused[0]}` }] : [];
  return { train, valid, unused, problems };
}

function byRandom(spec: Extract<SplitSpec, { kind: 'random' }>, items: readonly LabeledItem[]): SplitResult {
  const problems: Problem[] = [];
  if (!(spec.validPct > 0 && spec.validPct < 1)) {
    problems.push({ level: 'error', blocking: true, field: 'split.validPct', message: `Validation share must be between 0 and 1 (exclusive), got ${spec.validPct}` });
    return { train: [], valid: [], unused: [], problems };
  }
  // Shuffle indices, not items, so the split depends only on the seed and the sorted paths.
  const order = shuffled(
    items.map((_, i) => i),
    makeRng(spec.seed),
  );
  const nValid = Math.round(items.length * spec.validPct);
  if (items.length > 1 && (nValid === 0 || nValid === items.length)) {
    // Rounding left one side empty: say which way to move the percent, and how far.
    const pct = Number((spec.validPct * 100).toPrecision(6));
    const need = nValid === 0 ? `use at least ${Math.ceil((100 * 0.5) / items.length)}%` : `use at most ${Math.floor(100 - (100 * 0.5) / items.length)}%`;
    problems.push({ level: 'error', blocking: true, field: 'split.validPct', message: `Validation % ${pct} of ${items.length} items picks ${nValid === 0 ? 'no validation item' : 'every item for validation'}: ${need}` });
    return { train: [], valid: [], unused: [], problems };
  }
  const validSet = new Set(order.slice(0, nValid));
  return {
    train: items.filter((_, i) => !validSet.has(i)),
    valid: items.filter((_, i) => validSet.has(i)),
    unused: [],
    problems,
  };
}

function byColumn(column: string, items: readonly LabeledItem[], csvPath?: string): SplitResult {
  const train: LabeledItem[] = [];
  const valid: LabeledItem[] = [];
  const problems: Problem[] = [];
  const unused: string[] = [];
  if (items.length > 0 && !(items[0].row && column in items[0].row)) {
    problems.push(
      items[0].row ? missingColumn(csvPath, 'split.column', [column], items[0].row) : { level: 'error', blocking: true, field: 'split.column', message: 'Split by CSV column needs the items to come from a CSV' },
    );
    return { train, valid, unused, problems };
  }
  for (const item of items) {
    const value = item.row![column];
    if (isTruthy(value)) valid.push(item);
    else if (isFalsy(value)) train.push(item);
    else {
      unused.push(item.path);
      problems.push({ level: 'error', file: item.path, line: item.line, message: `line ${item.line}: "${value}" in column "${column}" is neither true nor false` });
    }
  }
  return { train, valid, unused, problems };
}

function emptySplitProblems(r: Omit<SplitResult, 'problems'> & { problems: Problem[] }): Problem[] {
  if (r.problems.some((p) => p.blocking)) return [];
  const out: Problem[] = [];
  if (r.train.length === 0) out.push({ level: 'error', blocking: true, field: 'split', message: 'The training set is empty' });
  if (r.valid.length === 0) out.push({ level: 'error', blocking: true, field: 'split', message: 'The validation set is empty' });
  return out;
}

/**
 * Warns about classes that never appear in the validation set, since their metrics would be
 * meaningless (fastai trains anyway; so do we).
 */
export function missingValidClasses(task: Task, classes: readonly string[], valid: readonly LabeledItem[]): Problem[] {
  if (task !== 'single' && task !== 'multi') return [];
  const seen = new Set<number>();
  for (const item of valid) {
    if (item.label.kind === 'class') seen.add(item.label.id);
    if (item.label.kind === 'multi') item.label.ids.forEach((id) => seen.add(id));
  }
  return classes.filter((_, i) => !seen.has(i)).map((name) => ({ level: 'warning' as const, field: 'split', message: `Class "${name}" has no example in the validation set` }));
}

/**
 * Warns about classes that have validation pictures but none in the training set: the model can
 * never predict them, so every such picture counts as an error and the metrics mislead.
 * @example a folder `valid/cat` with no `train/cat` gives 'Class "cat" has 12 validation pictures but none to train on'
 */
export function missingTrainClasses(task: Task, classes: readonly string[], train: readonly LabeledItem[], valid: readonly LabeledItem[]): Problem[] {
  if (task !== 'single' && task !== 'multi') return [];
  const idsOf = (item: LabeledItem) => (item.label.kind === 'class' ? [item.label.id] : item.label.kind === 'multi' ? item.label.ids : []);
  const inTrain = new Set(train.flatMap(idsOf));
  const validCount = new Map<number, number>();
  for (const id of valid.flatMap(idsOf)) validCount.set(id, (validCount.get(id) ?? 0) + 1);
  return classes.flatMap((name, id) => {
    const n = validCount.get(id) ?? 0;
    if (n === 0 || inTrain.has(id)) return [];
    return [{ level: 'warning' as const, field: 'split', message: `Class "${name}" has ${n} validation picture${n === 1 ? '' : 's'} but none to train on` }];
  });
}
