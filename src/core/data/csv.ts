import Papa from 'papaparse';
import type { Problem } from './types';

/** A parsed CSV: its columns and rows, each row with the 1-based line it came from. */
export interface CsvTable {
  readonly path: string;
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
}

/** One data row and where it was in the file (the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Parses CSV text with a header row. Handles a byte-order mark, CRLF, quoted fields and blank
 * lines; a row with the wrong number of fields, or a quote that never closes, is reported with
 * its line and left out, and every other row is read as if it were not there. A blank text gives
 * no columns and no rows: the caller says whether that matters.
 * @example parseCsv('labels.csv', 'name,label\r\na.png,3\r\n').rows[0].values.label // '3'
 */
export function parseCsv(path: string, text: string): { table: CsvTable; problems: Problem[] } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (clean.trim() === '') return { table: { path, columns: [], rows: [] }, problems: [] };
  const problems: Problem[] = [];
  const parsed = parseRows(path, clean, 1, undefined, problems).rows;
  // Blank lines above the header are not the header.
  const first = parsed.findIndex((r) => !isBlank(r.fields));
  const lines = first < 0 ? [] : parsed.slice(first);
  const header = (lines[0]?.fields ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) {
    problems.push({ level: 'error', file: path, line: 1, message: `${path} has no header row` });
    return { table: { path, columns: [], rows: [] }, problems };
  }
  const rows: CsvRow[] = [];
  for (const { fields, line } of lines.slice(1)) {
    if (isBlank(fields)) continue;
    if (fields.length !== header.length) {
      problems.push({
        level: 'error',
        file: path,
        line,
        message: `${path} line ${line}: expected ${header.length} fields (${header.join(', ')}), found ${fields.length}`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = fields[i].trim()));
    rows.push({ line, values });
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { table: { path, columns: header, rows }, problems };
}

function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0].trim() === '';
}

/** Parsed rows of `text`, whose first line is line `firstLine` of the file. */
interface ParsedRows {
  readonly rows: { fields: string[]; line: number }[];
  readonly delimiter: string | undefined;
}

/**
 * Papa reads everything after a quote that never closes as one field, so one stray `"` would
 * swallow every later row. Such a line is reported and cut out, the lines before it are parsed
 * alone (which also lets the delimiter be found again), and the lines after it are parsed on
 * their own with that delimiter.
 */
function parseRows(path: string, text: string, firstLine: number, delimiter: string | undefined, problems: Problem[]): ParsedRows {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, delimiter });
  const starts = rowLineNumbers(parsed.data);
  const unclosed = parsed.errors.find((e) => e.code === 'MissingQuotes' && e.row !== undefined && e.row < starts.length);
  if (!unclosed) return { rows: parsed.data.map((fields, r) => ({ fields, line: firstLine - 1 + starts[r] })), delimiter: parsed.meta.delimiter };
  const bad = starts[unclosed.row!] - 1;
  const physical = text.split('\n');
  const line = firstLine + bad;
  problems.push({ level: 'error', file: path, line, message: `${path} line ${line}: a quote (") opens a field but never closes; this line is left out and the next lines are read on their own` });
  const head = bad > 0 ? parseRows(path, physical.slice(0, bad).join('\n'), firstLine, delimiter, problems) : { rows: [], delimiter };
  const rest = physical.slice(bad + 1).join('\n');
  const tail = rest.trim() !== '' ? parseRows(path, rest, line + 1, delimiter ?? head.delimiter, problems) : { rows: [], delimiter };
  return { rows: [...head.rows, ...tail.rows], delimiter: head.delimiter };
}

/** Line number (1-based) where each parsed row starts, counting newlines inside quoted fields. */
function rowLineNumbers(rows: readonly string[][]): number[] {
  const out: number[] = [];
  let line = 1;
  for (const fields of rows) {
    out.push(line);
    const newlinesInside = fields.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    line += 1 + newlinesInside;
  }
  return out;
}

/** True for the spellings of "true" people and pandas write in an `is_valid` column. */
export function isTruthy(value: string): boolean {
  return /^(true|1|yes|y|t|valid)$/i.test(value.trim());
}

/** True for the spellings of "false". */
export function isFalsy(value: string): boolean {
  return /^(false|0|no|n|f|train|)$/i.test(value.trim());
}
