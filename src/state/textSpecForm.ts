/**
 * The text data block's form, without React: the columns of a chosen CSV, sensible columns when
 * the person picks another CSV, and the checks of the values typed (fastai's `valid_pct`,
 * `seed`, `Numericalize(min_freq, max_vocab)`, `from_csv`'s `text_col`, `label_col`,
 * `valid_col`) before the worker rebuilds anything. Each bad value is one blocking problem whose
 * `field` names the form's field, so the form shows it there.
 */
import { parseCsv } from '../core/data/csv';
import { decodeText } from '../core/data/text';
import type { Problem, SourceFile } from '../core/data/types';
import type { TextDataSpec, TextSource } from '../core/text/textData';
import { VALID_COLUMN, guessCsvColumns, type CsvTextSource } from '../core/text/textGuess';

/** A CSV's header and its first rows: what the guess reads, and what the form shows of each column. */
export interface CsvHeader {
  readonly path: string;
  readonly columns: readonly string[];
  /** The first rows' values by column. */
  readonly sample: readonly Readonly<Record<string, string>>[];
}

/** Characters read to find the header and a few rows: a 60 MB CSV is not parsed to fill a select. */
const HEAD_CHARS = 256 * 1024;

/** The `.csv` files among the chosen ones, in path order. */
export function csvFilesOf(files: readonly SourceFile[]): string[] {
  return files
    .filter((f) => /\.csv$/i.test(f.path))
    .map((f) => f.path)
    .sort();
}

/**
 * Reads a CSV's header as the guess does (`decodeText`, `parseCsv`), or null when the file is not
 * among the chosen ones.
 * @example (await readCsvHeader(files, 'texts.csv'))?.columns // ['id', 'text', 'label']
 */
export async function readCsvHeader(files: readonly SourceFile[], path: string): Promise<CsvHeader | null> {
  const file = files.find((f) => f.path === path);
  if (!file) return null;
  const text = decodeText(path, await file.read()).text;
  // Cut at a line end so the last row read is whole (a quoted field may still span the cut; that row is dropped as malformed).
  const head = text.length > HEAD_CHARS ? text.slice(0, text.lastIndexOf('\n', HEAD_CHARS) + 1 || HEAD_CHARS) : text;
  const { table } = parseCsv(path, head);
  return {
    path,
    columns: table.columns,
    sample: table.rows.slice(0, 200).map((r) => r.values),
  };
}

/**
 * The columns a person most likely wants when they pick a CSV in the form: the guess's (a column of
 * prose, a label or tag column, `is_valid`); where it finds none, the longest column for the texts
 * and the first other one for the labels, for the person to change.
 * @example csvSourceFor(header).textColumn // 'subject_and_body'
 */
export function csvSourceFor(header: CsvHeader): CsvTextSource {
  const guessed = guessCsvColumns(header.path, header.columns, header.sample);
  if (guessed) return guessed;
  const cols = header.columns;
  const meanLength = (c: string) => header.sample.reduce((n, r) => n + (r[c] ?? '').length, 0) / Math.max(1, header.sample.length);
  const textColumn = [...cols].sort((a, b) => meanLength(b) - meanLength(a))[0] ?? '';
  const labelColumn = cols.find((c) => c !== textColumn && !VALID_COLUMN.test(c)) ?? '';
  const validColumn = cols.find((c) => VALID_COLUMN.test(c));
  return { kind: 'csv', csvPath: header.path, textColumn, labelColumn, ...(validColumn ? { validColumn } : {}) };
}

/** The allowed values of the form's numbers, with the labels the form shows. */
export const TEXT_SPEC_LIMITS = {
  validPct: { label: 'Validation share', rule: 'a number more than 0 and less than 1 (0.2 = a fifth of the texts)' },
  seed: { label: 'Seed', rule: 'a whole number' },
  minFreq: { label: 'Min frequency', rule: 'a whole number of at least 1' },
  maxVocab: { label: 'Max vocabulary', rule: 'a whole number of at least 10' },
} as const;

/** What was typed, as the message ends: an empty box reads as NaN. */
const typed = (v: number) => (Number.isNaN(v) ? '; it is empty or not a number' : `, not ${v}`);

/** The numbers' problems, in the form's order. */
function numberProblems(spec: TextDataSpec): Problem[] {
  const ok = {
    validPct: Number.isFinite(spec.validPct) && spec.validPct > 0 && spec.validPct < 1,
    seed: Number.isInteger(spec.seed),
    minFreq: Number.isInteger(spec.minFreq) && spec.minFreq >= 1,
    maxVocab: Number.isInteger(spec.maxVocab) && spec.maxVocab >= 10,
  };
  return (Object.keys(ok) as (keyof typeof ok)[])
    .filter((k) => !ok[k])
    .map((k) => ({ level: 'error', blocking: true, field: k, message: `${TEXT_SPEC_LIMITS[k].label} must be ${TEXT_SPEC_LIMITS[k].rule}${typed(spec[k])}` }));
}

/** The CSV source's problems: a file that is not chosen, a column not in it, one column used twice. */
function sourceProblems(source: Extract<TextSource, { kind: 'csv' }>, header: CsvHeader | null): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ level: 'error', blocking: true, field, message });
  if (!header) {
    add('source.csvPath', source.csvPath ? `CSV file ${source.csvPath} is not among the chosen files` : 'CSV file: choose a .csv among the chosen files');
    return problems;
  }
  const has = header.columns.join(', ');
  const column = (field: string, label: string, name: string | undefined) => {
    if (name === undefined) return;
    if (name === '') add(field, `${label}: choose a column of ${header.path}`);
    else if (!header.columns.includes(name)) add(field, `${label} "${name}" is not a column of ${header.path} (it has ${has})`);
  };
  column('source.textColumn', 'Text column', source.textColumn);
  column('source.labelColumn', 'Label column', source.labelColumn);
  column('source.validColumn', 'Validation column', source.validColumn);
  if (source.textColumn && source.textColumn === source.labelColumn) add('source.labelColumn', `Text and label are both "${source.textColumn}": the labels must come from another column`);
  if (source.validColumn && (source.validColumn === source.textColumn || source.validColumn === source.labelColumn)) {
    add('source.validColumn', `Validation column "${source.validColumn}" is already the ${source.validColumn === source.textColumn ? 'text' : 'label'} column: choose another, or none to split at random`);
  }
  return problems;
}

/**
 * Every bad value of the text spec, one blocking problem each, in the form's order; `header` is
 * the chosen CSV's (null when that file is not among the chosen ones). Empty when all is fine.
 * @example checkTextSpecValues({ ...spec, minFreq: 0 }, null)[0].field // 'minFreq'
 */
export function checkTextSpecValues(spec: TextDataSpec, header: CsvHeader | null): Problem[] {
  return [...(spec.source.kind === 'csv' ? sourceProblems(spec.source, header) : []), ...numberProblems(spec)];
}

/** `checkTextSpecValues` after reading the chosen CSV's header from the files. */
export async function checkTextSpec(spec: TextDataSpec, files: readonly SourceFile[]): Promise<Problem[]> {
  const header = spec.source.kind === 'csv' ? await readCsvHeader(files, spec.source.csvPath) : null;
  return checkTextSpecValues(spec, header);
}
