import { memo } from 'react';
import type { TextDataSpec } from '../../../core/text/textData';
import type { DataCommands } from '../../../state/dataActions';
import type { TextDataInfo } from '../../../workers/protocol';
import { Cell } from '../../components/Cell';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** "seen at least twice", as the vocabulary's minimum frequency says it. */
function seenAtLeast(n: number): string {
  return n <= 1 ? 'every word seen' : n === 2 ? 'words seen at least twice' : `words seen at least ${n} times`;
}

/** The text block's summary: texts per split and class, vocabulary, unknown words, every problem by file or line. */
export const TextSummaryCell = memo(function TextSummaryCell(props: { info: TextDataInfo; spec?: TextDataSpec | null }) {
  const { info } = props;
  const minFreq = props.spec?.minFreq ?? 2;
  const blocking = info.problems.some((p) => p.blocking);
  const multi = info.task === 'multi';
  return (
    <Cell index={3} title="Summary" note={blocking ? 'the text block could not be built' : `text · ${info.classes.length} ${multi ? 'tags (multi-label)' : 'classes'}`}>
      <div data-testid="block-summary" className="summary">
        <p>
          <b data-testid="count-train">{info.train}</b> training · <b data-testid="count-valid">{info.valid}</b> validation · <b data-testid="count-unsup">{info.unsup}</b> unlabelled texts · task{' '}
          <b data-testid="task" data-task={info.task}>
            {multi ? 'text, multi-label' : 'text'}
          </b>
        </p>
        <p data-testid="text-vocab" data-vocab={info.vocabSize} data-unk={info.unkValid.toFixed(4)}>
          vocabulary <b>{info.vocabSize}</b> tokens (special tokens included, {seenAtLeast(minFreq)}
          {props.spec && info.vocabSize >= props.spec.maxVocab ? `, capped at ${props.spec.maxVocab}` : ''}) · {info.tokens} tokens in all · unknown words (<code>xxunk</code>) {pct(info.unkTrain)} of training tokens,{' '}
          <b>{pct(info.unkValid)}</b> of validation tokens
        </p>
        <table className="counts">
          <thead>
            <tr>
              <th>{multi ? 'tag (texts that have it)' : 'class'}</th>
              <th>train</th>
              <th>valid</th>
            </tr>
          </thead>
          <tbody>
            {info.counts.map((c) => (
              <tr key={c.name} data-testid="class-count" data-class={c.name} data-train={c.train} data-valid={c.valid}>
                <td>{c.name}</td>
                <td>{c.train}</td>
                <td>{c.valid}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {info.problems.length > 0 && (
        <ul data-testid="block-error" className="problems">
          {info.problems.map((p, i) => (
            <li key={i} className={p.level} data-level={p.level}>
              <span className="level">{p.level}</span> {p.message}
            </li>
          ))}
        </ul>
      )}
    </Cell>
  );
});

/** show_batch for text: tokenized texts with their labels, and the language model's input beside its target. */
export const TextBatchCell = memo(function TextBatchCell(props: { info: TextDataInfo; commands: DataCommands }) {
  const { info } = props;
  return (
    <Cell index={4} title="show_batch" note={`${info.batch.length} training texts, first ${info.batch[0]?.tokens.length ?? 0} tokens each`}>
      <table className="epochs text-batch" data-testid="show-batch">
        <thead>
          <tr>
            <th>text (tokens)</th>
            <th>{props.info.task === 'multi' ? 'tags' : 'category'}</th>
          </tr>
        </thead>
        <tbody>
          {info.batch.map((row, i) => (
            <tr key={i} data-testid="show-batch-item" data-label={row.label}>
              <td className="tokens">
                <Tokens tokens={row.tokens} />
                {row.length > row.tokens.length && <span className="muted"> … ({row.length} tokens)</span>}
              </td>
              <td>{row.label || (info.task === 'multi' ? '(no tag)' : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details open>
        <summary>Language model batch: input, and target (the same stream one token later)</summary>
        <table className="epochs text-batch" data-testid="show-batch-lm">
          <thead>
            <tr>
              <th>input</th>
              <th>target</th>
            </tr>
          </thead>
          <tbody>
            {info.lmBatch.map((row, i) => (
              <tr key={i} data-testid="show-batch-lm-item">
                <td className="tokens">
                  <Tokens tokens={row.input} />
                </td>
                <td className="tokens">
                  <Tokens tokens={row.target} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <button className="secondary" data-testid="show-batch-again" onClick={() => props.commands.redrawBatch()}>
        Show another batch
      </button>
    </Cell>
  );
});

/** Tokens separated by spaces, fastai's special tokens (`xxbos`, `xxmaj`, ...) set off so they show. */
export function Tokens(props: { tokens: readonly string[] }) {
  return (
    <>
      {props.tokens.map((t, i) => (
        <span key={i} className={/^xx[a-z]+$/.test(t) ? 'special-token' : undefined}>
          {i > 0 ? ' ' : ''}
          {t}
        </span>
      ))}
    </>
  );
}
