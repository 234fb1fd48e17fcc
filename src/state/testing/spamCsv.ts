import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** CSV columns of `spamCsv`: the guess takes `batch` for the labels, the person wants `kind`. */
export const SPAM_CSV_COLUMNS = ['id', 'batch', 'subject_and_body', 'kind', 'is_valid'] as const;

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The labelled e-mails of the real spam_tiny sample (`train/` and `valid/`) as one CSV:
 * `id,batch,subject_and_body,kind,is_valid`. `batch` (a, b, c in turn) is a column of a few
 * repeated values before `kind`, so the text guess takes it for the labels: the form must fix it.
 * @example spamCsv('public/samples/spam_tiny').split('\n')[0] // 'id,batch,subject_and_body,kind,is_valid'
 */
export function spamCsv(root: string): { csv: string; rows: number; valid: number } {
  const lines = [SPAM_CSV_COLUMNS.join(',')];
  let valid = 0;
  for (const split of ['train', 'valid']) {
    for (const kind of readdirSync(join(root, split)).sort()) {
      for (const name of readdirSync(join(root, split, kind)).sort()) {
        const text = readFileSync(join(root, split, kind, name), 'utf8');
        const n = lines.length;
        lines.push([n, 'abc'[n % 3], quoted(text), kind, split === 'valid'].join(','));
        if (split === 'valid') valid++;
      }
    }
  }
  return { csv: lines.join('\n') + '\n', rows: lines.length - 1, valid };
}
