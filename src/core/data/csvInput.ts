import { parseCsv, type CsvTable } from './csv';
import { extensionOf } from './paths';
import { readTextFile } from './text';
import type { DataBlockSpec, Problem, SourceFile } from './types';

/**
 * The CSV the spec reads its items from, decoded (see `decodeText`) and parsed; null when the
 * spec uses none or the file is missing (the items step says so, blocking).
 */
export async function readSpecCsv(spec: DataBlockSpec, files: readonly SourceFile[], problems: Problem[]): Promise<CsvTable | null> {
  if (spec.items.kind !== 'csv') return null;
  const read = await readTextFile(files, spec.items.csvPath);
  if (read === null) return null;
  const parsed = parseCsv(spec.items.csvPath, read.text);
  problems.push(...read.problems, ...parsed.problems);
  return parsed.table;
}

/**
 * Warnings for CSVs among the files that hold no rows while the spec takes its labels elsewhere:
 * a person who meant the CSV to label the pictures learns why it did not (the guess fell back
 * to folders), instead of training on whatever the folders say.
 */
export async function unusedEmptyCsvs(spec: DataBlockSpec, files: readonly SourceFile[]): Promise<Problem[]> {
  if (spec.items.kind === 'csv') return [];
  const out: Problem[] = [];
  for (const file of files.filter((f) => extensionOf(f.path) === '.csv')) {
    const { table } = parseCsv(file.path, (await readTextFile(files, file.path))!.text);
    if (table.rows.length > 0) continue;
    const what = table.columns.length === 0 ? 'is empty: no header and no rows' : `has a header (${table.columns.join(', ')}) but no rows`;
    out.push({ level: 'warning', file: file.path, message: `${file.path} ${what}; labels come from ${LABEL_SOURCE[spec.label.kind]} instead` });
  }
  return out;
}

const LABEL_SOURCE: Record<DataBlockSpec['label']['kind'], string> = {
  parentFolder: 'the folders',
  regex: 'the file names',
  mask: 'the masks',
  csvColumn: 'a CSV column',
  points: 'CSV columns',
};
