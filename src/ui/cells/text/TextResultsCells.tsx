import { memo, useState } from 'react';
import type { TextCommands } from '../../../state/textActions';
import type { TextState } from '../../../state/textState';
import type { TextResultItem } from '../../../workers/protocol';
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
      {r && (
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
      )}
    </Cell>
  );
});

function ResultTable(props: { title: string; testId: string; items: readonly TextResultItem[] }) {
  return (
    <>
      <h3>{props.title}</h3>
      <table className="epochs text-batch" data-testid={props.testId}>
        <thead>
          <tr>
            <th>text</th>
            <th>actual</th>
            <th>predicted</th>
            <th>probability</th>
            <th>loss</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((t) => (
            <tr key={t.index} data-testid="text-result" className={t.actual === t.predicted ? 'right' : 'wrong'}>
              <td className="tokens">{t.text.length > 300 ? `${t.text.slice(0, 300)}…` : t.text}</td>
              <td>{t.actual}</td>
              <td>{t.predicted}</td>
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
        <div data-testid="predict-output" data-top={p.kind === 'classes' ? p.predicted : ''}>
          <p className="muted">
            tokens: <Tokens tokens={p.tokens.slice(0, 60)} />
          </p>
          {p.kind === 'classes' ? (
            <ul className="predictions">
              {p.classes.map((c, i) => (
                <li key={c} data-testid="predict-prob" data-class={c} data-prob={p.probs[i].toFixed(4)}>
                  {c === p.predicted ? <b>{c}</b> : c}: {pct(p.probs[i])}
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="generated">{p.generated}</p>
          )}
        </div>
      )}
    </Cell>
  );
});
