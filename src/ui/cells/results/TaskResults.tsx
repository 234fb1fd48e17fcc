import { useState } from 'react';
import { TagStatsTable } from '../../components/TagStatsTable';
import type { CanRun } from '../../../state/canRun';
import type { ResultsView } from '../../../state/resultsView';
import { ConfusionMatrix } from '../../charts/ConfusionMatrix';
import { ErrorHistogram } from '../../charts/ErrorHistogram';
import { ThresholdChart } from '../../charts/ThresholdChart';

type Of<T extends ResultsView['task']> = Extract<ResultsView, { task: T }>;
const f3 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

/** Single-label: the confusion matrix and the pairs it confuses most. */
export function ClassificationResults(props: { view: Of<'single'>; classes: readonly string[] }) {
  const { view } = props;
  return (
    <div className="result-block">
      <h3>
        confusion matrix <span className="muted">(accuracy {f3(view.accuracy)})</span>
      </h3>
      <ConfusionMatrix matrix={view.matrix} classes={props.classes} />
      <h3>most confused</h3>
      <ol data-testid="most-confused" className="compact">
        {view.confused.length === 0 && <li>nothing confused: every validation image is right</li>}
        {view.confused.map((c) => (
          <li key={`${c.actual}-${c.predicted}`} data-testid="confused-pair">
            actual <b>{c.actual}</b> predicted as <b>{c.predicted}</b>: {c.count}×
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Multi-label: precision, recall and support per tag, and the threshold chart that sets the metric's threshold. */
export function MultiLabelResults(props: { view: Of<'multi'>; thresh: number; beta: number; metrics: Readonly<Record<string, number>>; can: CanRun; onPick: (t: number) => void }) {
  const { view } = props;
  const [typed, setTyped] = useState('');
  return (
    <div className="result-block">
      <h3>
        F{props.beta} and accuracy_thresh against the threshold <span className="muted">(best {view.best ? `${view.best.thresh.toFixed(2)}: F${props.beta} ${f3(view.best.fbeta)}` : '—'}; click the chart to choose)</span>
      </h3>
      <ThresholdChart sweep={view.sweep} best={view.best} chosen={props.thresh} beta={props.beta} onPick={(t) => props.can.ok && props.onPick(Math.round(t * 100) / 100)} />
      <div className="actions">
        <label>
          threshold <input data-testid="threshold-input" type="number" min={0.01} max={0.99} step={0.01} value={typed || String(props.thresh)} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button className="secondary" data-testid="threshold-apply" disabled={!props.can.ok} title={props.can.why} onClick={() => typed !== '' && (props.onPick(typed.trim() === '' ? NaN : Number(typed)), setTyped(''))}>
          Use threshold
        </button>
        {view.best && (
          <button className="secondary" data-testid="threshold-best" disabled={!props.can.ok} title={props.can.why} onClick={() => props.onPick(view.best!.thresh)}>
            Use the best ({view.best.thresh.toFixed(2)})
          </button>
        )}
        <span data-testid="results-metrics" data-thresh={props.thresh}>
          at {props.thresh.toFixed(2)}:{' '}
          {Object.entries(props.metrics)
            .map(([k, v]) => `${k} ${f3(v)}`)
            .join(' · ')}
        </span>
      </div>
      <TagStatsTable tags={view.tags} />
    </div>
  );
}

/** Segmentation: IoU of every code (void left out), and their mean. */
export function SegmentationResults(props: { view: Of<'segmentation'> }) {
  const { view } = props;
  return (
    <div className="result-block">
      <h3>
        IoU per class <span className="muted">(mean {f3(view.meanIoU)}; void pixels are not counted)</span>
      </h3>
      <table className="epochs" data-testid="iou-table">
        <thead>
          <tr>
            <th>class</th>
            <th>IoU</th>
            <th>true pixels</th>
            <th>predicted pixels</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view.ious.map((c) => (
            <tr key={c.code} data-testid="iou-row" data-class={c.name}>
              <td>{c.name}</td>
              <td>{f3(c.iou)}</td>
              <td>{c.pixels}</td>
              <td>{c.predictedPixels}</td>
              <td>
                <span className="bar" style={{ width: `${Math.round((c.iou ?? 0) * 120)}px` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Points: how far predictions land from the truth, as a histogram. */
export function PointResults(props: { view: Of<'points'> }) {
  const { view } = props;
  return (
    <div className="result-block">
      <h3>
        error distribution{' '}
        <span className="muted">
          (red: prediction, green: truth on the pictures; mean {view.meanError.toFixed(2)}px over {view.errors.length} images)
        </span>
      </h3>
      <ErrorHistogram bins={view.bins} mean={view.meanError} />
    </div>
  );
}
