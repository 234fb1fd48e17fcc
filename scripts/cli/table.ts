import type { EpochRecord } from '../../src/core/train/recorder';

/**
 * fastai's `format_time`: `mm:ss`, or `h:mm:ss` past an hour.
 * @example formatTime(75.4) // '01:15'
 */
export function formatTime(seconds: number): string {
  const t = Math.round(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/**
 * fastai's console epoch table (fastprogress `ConsoleMasterBar.write`): each column is as wide as
 * its name, at least 8, columns two spaces apart; losses and metrics with 6 decimals.
 * @example const t = new EpochTable(['accuracy'], console.log); t.header(); t.row(record);
 */
export class EpochTable {
  private readonly names: string[];
  private readonly widths: number[];
  /** Rows printed so far, and the number the next fit's first epoch is shown as. */
  private printed = 0;
  private offset = 0;

  constructor(
    private readonly metricNames: readonly string[],
    private readonly write: (line: string) => void,
  ) {
    this.names = ['epoch', 'train_loss', 'valid_loss', ...metricNames, 'time'];
    this.widths = this.names.map((n) => Math.max(8, n.length));
  }

  /** Prints the header line. */
  header(): void {
    this.write(this.line(this.names));
  }

  /** Prints one finished epoch. */
  row(rec: EpochRecord): void {
    const values = [rec.trainLoss, rec.validLoss, ...this.metricNames.map((m) => rec.metrics[m])];
    this.write(this.line([String(rec.epoch + this.offset), ...values.map(formatStat), formatTime(rec.seconds)]));
    this.printed += 1;
  }

  /** Later fits number their epochs after the rows already printed (progressive resizing's next size). */
  continueNumbering(): void {
    this.offset = this.printed;
  }

  private line(cells: readonly string[]): string {
    return cells
      .map((c, i) => c.padEnd(this.widths[i]))
      .join('  ')
      .trimEnd();
  }
}

/** fastai prints statistics with `f'{v:.6f}'`, and `nan` for a missing one. */
function formatStat(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'nan' : v.toFixed(6);
}
