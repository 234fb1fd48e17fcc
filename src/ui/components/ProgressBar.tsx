import { formatDuration } from './EpochTable';

/** Progress over batches and epochs, with elapsed time and an estimate of what is left. */
export function ProgressBar(props: { done: number; total: number; elapsed: number; label: string }) {
  const pct = props.total > 0 ? Math.min(100, (100 * props.done) / props.total) : 0;
  // ETA = elapsed / done * (total - done): assumes the remaining batches cost what the past ones did.
  const eta = props.done > 0 ? (props.elapsed / props.done) * (props.total - props.done) : NaN;
  return (
    <div className="progress" data-testid="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">
        {props.label} · {Math.round(pct)}% · {formatDuration(props.elapsed)} elapsed{Number.isFinite(eta) ? ` · ETA ${formatDuration(eta)}` : ''}
      </span>
    </div>
  );
}
