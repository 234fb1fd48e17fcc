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
 * lines; a row with the wrong number of fields is reported with its line and left out.
 * @example parseCsv('labels.csv', 'name,label\r\na.png,3\r\n').rows[0].values.label // '3'
 */
export function parseCsv(path: string, text: string): { table: CsvTable; problems: Problem[] } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = Papa.parse<string[]>(clean, { skipEmptyLines: false });
  const problems: Problem[] = [];
  const lines = parsed.data;
  const header = (lines[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) {
    problems.push({ level: 'error', file: path, line: 1, message: `${path} has no header row` });
    return { table: { path, columns: [], rows: [] }, problems };
  }
  const rows: CsvRow[] = [];
  // Papa reports rows, not lines; quoted fields may span lines, so count newlines as we go.
  const lineOfRow = rowLineNumbers(lines);
  for (let r = 1; r < lines.length; r++) {
    const fields = lines[r];
    if (fields.length === 1 && fields[0].trim() === '') continue;
    const line = lineOfRow[r];
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
  return { table: { path, columns: header, rows }, problems };
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
