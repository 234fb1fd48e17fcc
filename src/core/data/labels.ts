import { baseName, dirName, extensionOf, joinPath, stem } from './paths';
import type { Item, Label, LabeledItem, LabelSpec, Problem, SourceFile, Task } from './types';

/** What the label step produced. */
export interface LabelsResult {
  readonly task: Task;
  readonly labeled: LabeledItem[];
  /** Class names, sorted (single, multi), or codes in file order (segmentation); empty for points. */
  readonly classes: string[];
  /** Index of the void code among `classes` (segmentation), else -1. */
  readonly voidIndex: number;
  readonly problems: Problem[];
}

/** The task each kind of label implies. */
export function taskOf(spec: LabelSpec): Task {
  switch (spec.kind) {
    case 'mask':
      return 'segmentation';
    case 'points':
      return 'points';
    case 'csvColumn':
      return spec.separator ? 'multi' : 'single';
    default:
      return 'single';
  }
}

/**
 * Labels every item; an item whose label cannot be found is reported (file or CSV line) and
 * left out, and the others are kept.
 * @param codesText the text of `codes.txt` for masks, else null
 * @param csvPath the CSV the items came from, named when a column is not in it
 */
export function labelItems(spec: LabelSpec, items: readonly Item[], files: readonly SourceFile[], codesText: string | null, csvPath?: string): LabelsResult {
  switch (spec.kind) {
    case 'parentFolder':
      return classLabels(items, (item) => ({ name: baseName(dirName(item.path)) }));
    case 'regex':
      return regexLabels(spec.pattern, items);
    case 'csvColumn':
      return csvLabels(spec, items, csvPath);
    case 'mask':
      return maskLabels(spec, items, files, codesText);
    case 'points':
      return pointLabels(spec, items, csvPath);
  }
}

type NameOrProblem = { name: string } | { problem: Problem };

function classLabels(items: readonly Item[], nameOf: (item: Item) => NameOrProblem): LabelsResult {
  const problems: Problem[] = [];
  const named: { item: Item; name: string }[] = [];
  for (const item of items) {
    const r = nameOf(item);
    if ('problem' in r) problems.push(r.problem);
    else if (r.name === '') problems.push({ level: 'error', file: item.path, message: `${item.path} has no parent folder to take its label from` });
    else named.push({ item, name: r.name });
  }
  const classes = [...new Set(named.map((n) => n.name))].sort(compareNames);
  const index = new Map(classes.map((c, i) => [c, i]));
  const labeled = named.map(({ item, name }) => ({ ...item, label: { kind: 'class', id: index.get(name)! } as Label }));
  if (classes.length === 1) {
    // Caught here rather than by tfjs at the first batch ("oneHot: depth must be >=2").
    const message = `Single-label training needs at least two classes, but every item is labelled "${classes[0]}" (${labeled.length} item${labeled.length === 1 ? '' : 's'}): a classifier with one class has nothing to tell apart. Add pictures of another class, or check how labels are found.`;
    problems.push({ level: 'error', blocking: true, field: 'label', message });
  }
  return { task: 'single', labeled, classes, voidIndex: -1, problems: withEmptyCheck(labeled, problems, 'label') };
}

function regexLabels(pattern: string, items: readonly Item[]): LabelsResult {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    const problem: Problem = { level: 'error', blocking: true, field: 'label.pattern', message: `The label pattern /${pattern}/ is not a valid regular expression: ${(e as Error).message}` };
    return { task: 'single', labeled: [], classes: [], voidIndex: -1, problems: [problem] };
  }
  return classLabels(items, (item) => {
    const m = re.exec(baseName(item.path));
    if (m && m[1] !== undefined) return { name: m[1] };
    return { problem: { level: 'error', file: item.path, message: `${item.path}: file name does not match /${pattern}/ (or has no capture group)` } };
  });
}

function csvLabels(spec: Extract<LabelSpec, { kind: 'csvColumn' }>, items: readonly Item[], csvPath?: string): LabelsResult {
  const first = items.find((i) => i.row);
  if (!first || !(spec.column in first.row!)) {
    const problem: Problem = first
      ? missingColumn(csvPath, 'label.column', [spec.column], first.row!)
      : { level: 'error', blocking: true, field: 'label.column', message: 'Labels from a CSV column need the items to come from a CSV' };
    return { task: taskOf(spec), labeled: [], classes: [], voidIndex: -1, problems: [problem] };
  }
  if (!spec.separator) {
    return classLabels(items, (item) => {
      const name = item.row?.[spec.column] ?? '';
      return name !== '' ? { name } : { problem: { level: 'error', file: item.path, line: item.line, message: `line ${item.line}: empty label in column "${spec.column}" for ${item.path}` } };
    });
  }
  return multiLabels(spec.column, spec.separator, items);
}

function multiLabels(column: string, separator: string, items: readonly Item[]): LabelsResult {
  const tagsOf = (item: Item) =>
    (item.row?.[column] ?? '')
      .split(separator)
      .map((t) => t.trim())
      .filter((t) => t !== '');
  const classes = [...new Set(items.flatMap(tagsOf))].sort(compareNames);
  const index = new Map(classes.map((c, i) => [c, i]));
  // An item with no tags is valid in multi-label (it is negative for every class).
  const labeled = items.map((item) => ({ ...item, label: { kind: 'multi', ids: tagsOf(item).map((t) => index.get(t)!) } as Label }));
  return { task: 'multi', labeled, classes, voidIndex: -1, problems: withEmptyCheck(labeled, [], 'label') };
}

function maskLabels(spec: Extract<LabelSpec, { kind: 'mask' }>, items: readonly Item[], files: readonly SourceFile[], codesText: string | null): LabelsResult {
  const problems: Problem[] = [];
  if (codesText === null) {
    problems.push({ level: 'error', blocking: true, field: 'label.codesPath', message: `Codes file "${spec.codesPath}" was not found among the chosen files` });
    return { task: 'segmentation', labeled: [], classes: [], voidIndex: -1, problems };
  }
  const classes = codesText
    .split(/\r?\n/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (classes.length < 2) problems.push({ level: 'error', blocking: true, field: 'label.codesPath', file: spec.codesPath, message: `${spec.codesPath} must list at least two classes, one per line` });
  const byPath = new Map(files.map((f) => [f.path, f]));
  const labeled: LabeledItem[] = [];
  for (const item of items) {
    const maskPath = maskPathFor(spec.template, item.path);
    const file = byPath.get(maskPath);
    if (!file) problems.push({ level: 'error', file: item.path, message: `${item.path}: mask "${maskPath}" not found` });
    else labeled.push({ ...item, label: { kind: 'mask', file } });
  }
  const voidIndex = spec.voidCode ? classes.indexOf(spec.voidCode) : -1;
  if (spec.voidCode && voidIndex < 0) problems.push({ level: 'warning', field: 'label.voidCode', file: spec.codesPath, message: `Void code "${spec.voidCode}" is not in ${spec.codesPath}; no pixel will be ignored` });
  return { task: 'segmentation', labeled, classes, voidIndex, problems: withEmptyCheck(labeled, problems, 'label.template') };
}

/**
 * Builds a mask path from an image path. `{dir}`: the image's folder, `{name}`: its stem,
 * `{ext}`: its extension. A template without `{dir}` is relative to the image folder's parent,
 * so `labels/{name}_P{ext}` maps `images/a.png` to `labels/a_P.png` (CamVid's layout).
 */
export function maskPathFor(template: string, imagePath: string): string {
  const dir = dirName(imagePath);
  const filled = template.replaceAll('{dir}', dir).replaceAll('{name}', stem(imagePath)).replaceAll('{ext}', extensionOf(imagePath));
  return template.includes('{dir}') ? joinPath(filled) : joinPath(dirName(dir), filled);
}

/**
 * The blocking problem for columns the CSV lacks, naming the file and listing the columns it has.
 * @example missingColumn('labels.csv', 'label.column', ['kind'], row).message // 'labels.csv has no column "kind" (columns: name, label)'
 */
export function missingColumn(csvPath: string | undefined, field: string, wanted: readonly string[], row: Readonly<Record<string, string>>): Problem {
  const missing = wanted.filter((c) => !(c in row));
  const what = missing.length === 1 ? `no column "${missing[0]}"` : `no columns ${missing.map((c) => `"${c}"`).join(' and ')}`;
  return { level: 'error', blocking: true, ...(csvPath ? { file: csvPath } : {}), field, message: `${csvPath ?? 'The CSV'} has ${what} (columns: ${Object.keys(row).join(', ')})` };
}

function pointLabels(spec: Extract<LabelSpec, { kind: 'points' }>, items: readonly Item[], csvPath?: string): LabelsResult {
  const problems: Problem[] = [];
  const labeled: LabeledItem[] = [];
  for (const item of items) {
    if (!item.row) {
      problems.push({ level: 'error', blocking: true, field: 'items', message: 'Point labels need the items to come from a CSV' });
      break;
    }
    const x = Number(item.row[spec.xColumn]);
    const y = Number(item.row[spec.yColumn]);
    if (item.row[spec.xColumn] === undefined || item.row[spec.yColumn] === undefined) {
      problems.push(missingColumn(csvPath, item.row[spec.xColumn] === undefined ? 'label.xColumn' : 'label.yColumn', [spec.xColumn, spec.yColumn], item.row));
      break;
    }
    if (!Number.isFinite(x) || !Number.isFinite(y) || item.row[spec.xColumn] === '' || item.row[spec.yColumn] === '') {
      problems.push({ level: 'error', file: item.path, line: item.line, message: `line ${item.line}: point (${item.row[spec.xColumn]}, ${item.row[spec.yColumn]}) for ${item.path} is not a pair of numbers` });
    } else {
      labeled.push({ ...item, label: { kind: 'point', x, y } });
    }
  }
  return { task: 'points', labeled, classes: [], voidIndex: -1, problems: withEmptyCheck(labeled, problems, 'label') };
}

function withEmptyCheck(labeled: readonly LabeledItem[], problems: Problem[], field: string): Problem[] {
  if (labeled.length === 0 && !problems.some((p) => p.blocking)) {
    problems.push({ level: 'error', blocking: true, field, message: 'No item could be labelled; see the problems above' });
  }
  return problems;
}

/** Sorts class names naturally, so `2` comes before `10`. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
