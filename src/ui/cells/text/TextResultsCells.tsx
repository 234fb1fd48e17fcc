import { memo, useState } from 'react';
import { TagStatsTable } from '../../components/TagStatsTable';
import type { TextCommands } from '../../../state/textActions';
import type { TextState } from '../../../state/textState';
import type { TextMultiResults, TextResultItem, TextSingleResults } from '../../../workers/protocol';
import { ThresholdChart } from '../../charts/ThresholdChart';
import { Cell } from '../../components/Cell';
import { Tokens } from './TextDataCells';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The classifier's results: accuracy, confusion matrix, top losses and most confident mistakes with their texts. */
export const TextResultsCell = memo(function TextResultsCell(props: { text: TextState; commands: TextCommands; busy: boolean; hasLearner: boolean }) {
  const r = props.text.results;
  return (
    <Cell index={8} title="Results" note="ClassificationInterpretation on the validation texts">
      <button data-testid="results-run" disabled={props.busy || !props.hasLearner || props.text.kind === 'lm'} onClick={() => props.commands.results()}>
        Show results
      </button>
      {props.text.kind === 'lm' && <span className="muted"> the language model&apos;s results are its perplexity (epoch table) and its text (Predict)</span>}
      {r?.kind === 'multi' && <MultiTextResults r={r} busy={props.busy} onPick={(t) => props.commands.results(Math.round(t * 100) / 100)} />}
      {r?.kind === 'single' && <SingleTextResults r={r} />}
    </Cell>
  );
});

/** Single-label: accuracy, the confusion matrix, top losses and the most confident mistakes. */
function SingleTextResults({ r }: { r: TextSingleResults }) {
  return (
    <div data-testid="text-results">
      <p data-testid="results-metrics" data-accuracy={r.accuracy.toFixed(4)}>
        accuracy <b>{pct(r.accuracy)}</b> on {r.confusion.flat().reduce((a, b) => a + b, 0)} validation texts
      </p>
      <table className="counts" data-testid="confusion-matrix">
        <thead>
          <tr>
            <th>actual \ predicted</th>
            {r.classes.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {r.confusion.map((row, i) => (
            <tr key={r.classes[i]}>
              <th>{r.classes[i]}</th>
              {row.map((n, j) => (
                <td key={j} data-testid="confusion-cell" className={i === j ? 'right' : n > 0 ? 'wrong' : ''}>
                  {n}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ResultTable title="Top losses" testId="top-losses" items={r.topLosses} />
      <ResultTable title="Most confident mistakes" testId="confident-mistakes" items={r.confidentMistakes} />
    </div>
  );
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');

/**
 * Multi-label (lesson 3's Planet, on texts): accuracy_thresh and F2 at the threshold, per-tag
 * scores, the threshold sweep, top losses. Clicking the chart or "Use the best" sets the threshold
 * that Predict and the export use (the epoch table's metrics stay at 0.2, as they were trained).
 */
function MultiTextResults({ r, busy, onPick }: { r: TextMultiResults; busy: boolean; onPick: (thresh: number) => void }) {
  return (
    <div data-testid="text-results">
      <p data-testid="results-metrics" data-accuracy={r.accuracy.toFixed(4)} data-fbeta={r.fbeta.toFixed(4)} data-thresh={r.thresh}>
        at threshold {r.thresh.toFixed(2)}: accuracy_thresh <b>{pct(r.accuracy)}</b> · F2 <b>{f3(r.fbeta)}</b> on {r.count} validation texts
        {r.best && (
          <span className="muted">
            {' '}
            · the best threshold on these texts is {r.best.thresh.toFixed(2)} (F2 {f3(r.best.fbeta)})
          </span>
        )}
      </p>
      <ThresholdChart sweep={r.sweep} best={r.best} chosen={r.thresh} beta={2} onPick={(t) => !busy && onPick(t)} />
      <div className="actions">
        {r.best && (
          <button className="secondary" data-testid="threshold-best" disabled={busy || r.best.thresh === r.thresh} onClick={() => onPick(r.best!.thresh)}>
            Use the best ({r.best.thresh.toFixed(2)})
          </button>
        )}
        <span className="muted"> click the chart to pick a threshold: Predict and the export use it</span>
      </div>
      <TagStatsTable tags={r.perTag.map((t) => ({ ...t, name: r.classes[t.tag] }))} />
      <ResultTable title="Top losses" testId="top-losses" items={r.topLosses} multi />
      <ResultTable title="Most confident mistakes" testId="confident-mistakes" items={r.confidentMistakes} multi />
    </div>
  );
}

function ResultTable(props: { title: string; testId: string; items: readonly TextResultItem[]; multi?: boolean }) {
  return (
    <>
      <h3>{props.title}</h3>
      <table className="epochs text-batch" data-testid={props.testId}>
        <thead>
          <tr>
            <th>text</th>
            <th>actual</th>
            <th>predicted</th>
            <th>{props.multi ? 'furthest tag off by' : 'probability'}</th>
            <th>loss</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((t) => (
            <tr key={t.index} data-testid="text-result" className={t.actual === t.predicted ? 'right' : 'wrong'}>
              <td className="tokens">{t.text.length > 300 ? `${t.text.slice(0, 300)}…` : t.text}</td>
              <td>{t.actual || (props.multi ? '(no tag)' : '')}</td>
              <td>{t.predicted || (props.multi ? '(no tag)' : '')}</td>
              <td>{t.prob.toFixed(2)}</td>
              <td>{t.loss.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Predict on typed text: the classifier's class probabilities, or the language model's continuation of a prompt. */
export const TextPredictCell = memo(function TextPredictCell(props: { text: TextState; commands: TextCommands; busy: boolean; hasLearner: boolean }) {
  const [typed, setTyped] = useState('');
  const p = props.text.prediction;
  const lm = props.text.kind === 'lm';
  return (
    <Cell index={9} title="Predict" note={lm ? 'the language model continues a prompt' : 'type a text to classify'}>
      <textarea data-testid="predict-input" rows={4} cols={80} value={typed} placeholder={lm ? 'A prompt, e.g. "Click here to"' : 'Type or paste a text'} onChange={(e) => setTyped(e.target.value)} />
      <div>
        <button data-testid="predict-run" disabled={props.busy || !props.hasLearner} onClick={() => props.commands.predict(typed)}>
          {lm ? 'Generate' : 'Predict'}
        </button>
      </div>
      {p && (
        <div data-testid="predict-output" data-top={p.kind === 'classes' ? p.predicted : p.kind === 'tags' ? p.predicted.join(';') : ''}>
          <p className="muted">
            tokens: <Tokens tokens={p.tokens.slice(0, 60)} />
          </p>
          {p.kind === 'tags' && (
            <>
              <p data-testid="predict-tags">
                tags (probability over {p.thresh.toFixed(2)}): <b>{p.predicted.length ? p.predicted.join(', ') : 'none'}</b>
              </p>
              <ul className="predictions">
                {p.classes.map((c, i) => (
                  <li key={c} data-testid="predict-prob" data-class={c} data-prob={p.probs[i].toFixed(4)}>
                    {p.predicted.includes(c) ? <b>{c}</b> : c}: {pct(p.probs[i])}
                  </li>
                ))}
              </ul>
            </>
          )}
          {p.kind === 'classes' && (
            <ul className="predictions">
              {p.classes.map((c, i) => (
                <li key={c} data-testid="predict-prob" data-class={c} data-prob={p.probs[i].toFixed(4)}>
                  {c === p.predicted ? <b>{c}</b> : c}: {pct(p.probs[i])}
                </li>
              ))}
            </ul>
          )}
          {p.kind === 'generated' && <p data-testid="generated">{p.generated}</p>}
        </div>
      )}
    </Cell>
  );
});
