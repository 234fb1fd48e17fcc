import type { CsvTable } from './csv';
import { escapesRoot, isImagePath, joinPath, normalizePath } from './paths';
import type { Item, ItemsSpec, Problem, SourceFile } from './types';

/** What the items step found: the items, files it passed over, and problems. */
export interface ItemsResult {
  readonly items: Item[];
  /** Files that are not images (or outside the chosen sub-folder), listed so nothing vanishes silently. */
  readonly skipped: string[];
  readonly problems: Problem[];
}

/**
 * Finds the items: image files under a folder, or the rows of a CSV naming image files.
 * Items come back sorted by path so that every later step is deterministic, whatever order
 * the browser listed the files in.
 */
export function collectItems(spec: ItemsSpec, files: readonly SourceFile[], csv: CsvTable | null): ItemsResult {
  return spec.kind === 'folder' ? itemsFromFolder(spec.folder ?? '', files) : itemsFromCsv(spec, files, csv);
}

function itemsFromFolder(folder: string, files: readonly SourceFile[]): ItemsResult {
  const prefix = folder === '' ? '' : normalizePath(folder).replace(/\/$/, '') + '/';
  const items: Item[] = [];
  const skipped: string[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    if (!file.path.startsWith(prefix) || !isImagePath(file.path)) {
      skipped.push(file.path);
    } else if (file.size === 0) {
      problems.push({ level: 'warning', file: file.path, message: `${file.path} is empty (0 bytes): skipped` });
    } else {
      items.push({ path: file.path, file });
    }
  }
  if (items.length === 0) {
    const where = prefix === '' ? 'the chosen folder' : `folder "${folder}"`;
    problems.push({ level: 'error', blocking: true, field: 'items.folder', message: `No images found in ${where} (looked for png, jpg, jpeg, webp, bmp, gif)` });
  }
  return { items: sortByPath(items), skipped: skipped.sort(), problems };
}

/**
 * Leaves out files whose path escapes the chosen folder (`../evil.png` in a zip, an absolute
 * path), with one warning naming them, before any step (or the guess) sees them: a `..` folder
 * would otherwise become a class, and such a file is no part of what the person chose.
 */
export function insideRoot(files: readonly SourceFile[]): { files: SourceFile[]; problems: Problem[] } {
  const outside = files.filter((f) => escapesRoot(f.path)).map((f) => f.path);
  if (outside.length === 0) return { files: [...files], problems: [] };
  const shown = outside.length <= 10 ? outside.join(', ') : `${outside.slice(0, 10).join(', ')} and ${outside.length - 10} more`;
  const message = `${outside.length} file${outside.length === 1 ? ' has a path' : 's have paths'} outside the chosen folder and ${outside.length === 1 ? 'is' : 'are'} ignored: ${shown}`;
  return { files: files.filter((f) => !escapesRoot(f.path)), problems: [{ level: 'warning', message }] };
}

type CsvItemsSpec = Extract<ItemsSpec, { kind: 'csv' }>;

function itemsFromCsv(spec: CsvItemsSpec, files: readonly SourceFile[], csv: CsvTable | null): ItemsResult {
  const problems: Problem[] = [];
  if (csv === null) {
    problems.push({ level: 'error', blocking: true, field: 'items.csvPath', message: `CSV file "${spec.csvPath}" was not found among the chosen files` });
    return { items: [], skipped: [], problems };
  }
  const noRows = csv.columns.length === 0 ? `${csv.path} is empty: no header and no rows` : csv.rows.length === 0 ? `${csv.path} has a header (${csv.columns.join(', ')}) but no rows` : null;
  if (noRows !== null) {
    problems.push({ level: 'error', blocking: true, file: csv.path, field: 'items.csvPath', message: noRows });
    return { items: [], skipped: [], problems };
  }
  if (!csv.columns.includes(spec.fileColumn)) {
    problems.push({ level: 'error', blocking: true, file: csv.path, field: 'items.fileColumn', message: `${csv.path} has no column "${spec.fileColumn}" (columns: ${csv.columns.join(', ')})` });
    return { items: [], skipped: [], problems };
  }
  // Names typed in a CSV are usually NFC while macOS lists files in NFD; both mean the same name.
  const byPath = new Map(files.map((f) => [f.path.normalize('NFC'), f]));
  const items: Item[] = [];
  const firstLine = new Map<string, number>();
  for (const row of csv.rows) {
    const name = row.values[spec.fileColumn];
    const path = joinPath(spec.folder ?? '', name + (spec.suffix ?? ''));
    const file = byPath.get(path.normalize('NFC'));
    const seen = file ? firstLine.get(file.path) : undefined;
    if (name === '') {
      problems.push({ level: 'error', file: csv.path, line: row.line, message: `${csv.path} line ${row.line}: empty "${spec.fileColumn}"` });
    } else if (!file) {
      problems.push({ level: 'error', file: csv.path, line: row.line, message: `${csv.path} line ${row.line}: file "${path}" not found` });
    } else if (seen !== undefined) {
      // A file counted twice would weigh twice in training and could sit in both sets.
      problems.push({ level: 'warning', file: csv.path, line: row.line, message: `${csv.path} line ${row.line}: "${file.path}" repeats line ${seen}; line ${seen} is kept and this row left out` });
    } else if (file.size === 0) {
      problems.push({ level: 'warning', file: file.path, line: row.line, message: `${file.path} is empty (0 bytes): skipped` });
    } else {
      firstLine.set(file.path, row.line);
      items.push({ path: file.path, file, row: row.values, line: row.line });
    }
  }
  if (items.length === 0) {
    problems.push({ level: 'error', blocking: true, field: 'items', message: `No image named in ${csv.path} was found (folder "${spec.folder ?? ''}", suffix "${spec.suffix ?? ''}")` });
  }
  const used = new Set(items.map((i) => i.path));
  const skipped = files.filter((f) => !used.has(f.path) && f.path !== csv.path).map((f) => f.path);
  return { items: sortByPath(items), skipped: skipped.sort(), problems };
}

function sortByPath(items: Item[]): Item[] {
  return items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
