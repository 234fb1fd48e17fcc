/** Markdown helpers for bench/RESULTS.md. */

/** A GitHub-flavoured markdown table; cells are written as given (pipes escaped). */
export function mdTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|');
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number for a table: thousands separated, `digits` decimals, '–' when missing or not finite. */
export function num(v: number | undefined, digits = 1): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as `0.96x`. */
export function times(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}x`;
}

/** A change as a signed percentage of `base`, e.g. `-4.5%`. */
export function pct(v: number, base: number): string {
  const p = ((v - base) / base) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}
