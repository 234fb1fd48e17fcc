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
    const sample = table.rows.slice(0, 200);
    const col = (c: string) => sample.map((r) => r.values[c] ?? '');
    const textColumn = table.columns.find((c) => looksLikeProse(col(c)));
    if (!textColumn) continue;
    const labelColumn = table.columns.find((c) => c !== textColumn && !/^(is_)?valid$/i.test(c) && new Set(col(c)).size >= 2 && new Set(col(c)).size <= Math.max(2, sample.length / 2));
    if (!labelColumn) continue;
    const validColumn = table.columns.find((c) => /^(is_)?valid$/i.test(c));
    return { source: { kind: 'csv', csvPath: csv.path, textColumn, labelColumn, ...(validColumn ? { validColumn } : {}) }, ...TEXT_DEFAULTS };
  }
  return null;
}
