/**
 * The guess for text (the image block's `guessSpec` beside it): a folder of `.txt` files, or a
 * CSV one of whose columns holds prose, is text; anything else is left to the image guess.
 */
import { parseCsv } from '../data/csv';
import { decodeText } from '../data/text';
import type { SourceFile } from '../data/types';
import { TEXT_DEFAULTS, isTextFile, type TextDataSpec } from './textData';

const IMAGE = /\.(png|jpe?g|gif|bmp|webp|tiff?)$/i;

/** Mean length and share of rows with a space: prose is long and has spaces. */
function looksLikeProse(values: readonly string[]): boolean {
  if (values.length === 0) return false;
  const mean = values.reduce((n, v) => n + v.length, 0) / values.length;
  const spaced = values.filter((v) => /\s\S+\s/.test(v.trim())).length / values.length;
  return mean >= 30 && spaced >= 0.5;
}

/** A label column has at least two values and at most half as many as rows (or two). */
function fewValues(values: readonly string[]): boolean {
  const distinct = new Set(values.filter((v) => v !== '')).size;
  return distinct >= 2 && distinct <= Math.max(2, values.length / 2);
}

/** Space-separated tags: a few per cell, from a small set, and not prose (a second text column would split into words too). */
function looksLikeTags(values: readonly string[]): boolean {
  const tags = values.flatMap((v) =>
    v
      .trim()
      .split(/\s+/)
      .filter((t) => t !== ''),
  );
  const filled = values.filter((v) => v.trim() !== '').length;
  return !looksLikeProse(values) && filled > 0 && tags.length / filled <= 10 && fewValues(tags);
}

/** A CSV source: which columns hold the texts, the labels and the split. */
export type CsvTextSource = Extract<TextDataSpec['source'], { kind: 'csv' }>;

/** A column that says which rows are for validation (fastai's `is_valid`). */
export const VALID_COLUMN = /^(is_)?valid(ation)?$/i;

/**
 * The columns of a CSV that make it text, from its first rows, or null: the first column of prose
 * holds the texts, the first other one with a few repeated values (or a few space-separated tags,
 * then multi-label) the labels, `is_valid` the split. The guess and the form's CSV pick share it.
 * @example guessCsvColumns('texts.csv', ['text', 'label'], rows) // { kind: 'csv', csvPath: 'texts.csv', textColumn: 'text', labelColumn: 'label' }
 */
export function guessCsvColumns(path: string, columns: readonly string[], rows: readonly Readonly<Record<string, string>>[]): CsvTextSource | null {
  const col = (c: string) => rows.map((r) => r[c] ?? '');
  const textColumn = columns.find((c) => looksLikeProse(col(c)));
  if (!textColumn) return null;
  const labelColumn = columns.find((c) => c !== textColumn && !VALID_COLUMN.test(c) && (fewValues(col(c)) || looksLikeTags(col(c))));
  if (!labelColumn) return null;
  const validColumn = columns.find((c) => VALID_COLUMN.test(c));
  // Tags split on spaces, as the image guess reads a label column (Planet's "clear primary").
  const multi = col(labelColumn).some((v) => /\s/.test(v.trim()));
  return { kind: 'csv', csvPath: path, textColumn, labelColumn, ...(validColumn ? { validColumn } : {}), ...(multi ? { separator: ' ' } : {}) };
}

/**
 * A text spec when the files are text, else null.
 * @example await guessTextSpec([{ path: 'train/pos/1.txt', ... }, ...]) // { source: { kind: 'folder' }, ... }
 */
export async function guessTextSpec(files: readonly SourceFile[]): Promise<TextDataSpec | null> {
  const images = files.filter((f) => IMAGE.test(f.path)).length;
  const texts = files.filter((f) => isTextFile(f.path)).length;
  if (texts >= 2 && texts > images) return { source: { kind: 'folder' }, ...TEXT_DEFAULTS };
  if (images > 0) return null;
  for (const csv of files.filter((f) => /\.csv$/i.test(f.path))) {
    const { table } = parseCsv(csv.path, decodeText(csv.path, await csv.read()).text);
    const source = guessCsvColumns(
      csv.path,
      table.columns,
      table.rows.slice(0, 200).map((r) => r.values),
    );
    if (source) return { source, ...TEXT_DEFAULTS };
  }
  return null;
}
