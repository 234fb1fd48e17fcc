/** One row of fastai's epoch table, as plain numbers. */
export interface EpochRow {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validLoss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Which fit (1, 2, …) the epoch belongs to, so a second fit reads as a continuation. */
  readonly fit?: number;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : String(v));

/** fastai's epoch table: epoch, train_loss, valid_loss, each metric, time. */
export function EpochTable(props: { rows: readonly EpochRow[] }) {
  // Every metric any row has, in order of appearance: a language model's epochs (perplexity) and
  // then its classifier's share one table, and a row without a metric leaves its cell empty.
  const metricNames = [...new Set(props.rows.flatMap((r) => Object.keys(r.metrics)))];
  return (
    <table className="epochs" data-testid="epoch-table">
      <thead>
        <tr>
          <th>epoch</th>
          <th>train_loss</th>
          <th>valid_loss</th>
          {metricNames.map((m) => (
            <th key={m}>{m}</th>
          ))}
          <th>time</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i} data-testid="epoch-row" data-fit={r.fit}>
            <td data-col="epoch">{r.epoch}</td>
            <td data-col="train_loss">{fmt(r.trainLoss)}</td>
            <td data-col="valid_loss">{fmt(r.validLoss)}</td>
            {metricNames.map((m) => (
              <td key={m} data-col={m}>
                {m in r.metrics ? fmt(r.metrics[m]) : ''}
              </td>
            ))}
            <td data-col="time">{formatDuration(r.seconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `mm:ss`, as fastai prints epoch times. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
