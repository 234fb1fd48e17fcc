import { memo } from 'react';
import type { BlockView } from '../../core/data/blockView';
import type { Problem } from '../../core/data/types';
import { Cell } from '../components/Cell';

/** Counts per split and class, files left out, every problem one per line, and the step-by-step walk. */
export const SummaryCell = memo(function SummaryCell(props: { block: BlockView; rejected?: readonly Problem[] | null }) {
  const { block } = props;
  const counts = block.counts;
  return (
    <Cell index={3} title="Summary" note={block.ok ? `${block.task}${block.classes.length ? ` · ${block.classes.length} ${block.task === 'segmentation' ? 'codes' : 'classes'}` : ''}` : 'the block could not be built'}>
      <div data-testid="block-summary" className="summary">
        <p>
          <b data-testid="count-train">{block.train.length}</b> training · <b data-testid="count-valid">{block.valid.length}</b> validation · task <b data-testid="task">{block.task}</b>
          {block.skipped.length > 0 && <> · {block.skipped.length} other files not used</>}
        </p>
        {block.streamed && (
          <p className="notice" data-testid="block-streamed">
            Streamed: {block.steps.find((s) => s.step === 'decode')?.text.replace(/^.*streamed: /, '')}. Training reads the files again each epoch; keep the folder where it is.
          </p>
        )}
        {counts.length > 0 && (
          <table className="counts">
            <thead>
              <tr>
                <th>{block.task === 'multi' ? 'tag' : 'class'}</th>
                <th>train</th>
                <th>valid</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr key={c.name} data-testid="class-count" data-class={c.name}>
                  <td>{c.name}</td>
                  <td>{c.train}</td>
                  <td>{c.valid}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {block.task === 'segmentation' && <p>codes: {block.classes.join(', ')}</p>}
        {block.skipped.length > 0 && (
          <details>
            <summary>Files not used (not images, or outside the items)</summary>
            <pre>{block.skipped.slice(0, 200).join('\n')}</pre>
          </details>
        )}
        <details>
          <summary>Walk through one item and one batch</summary>
          <pre data-testid="block-walk">{block.summary.join('\n')}</pre>
        </details>
      </div>
      {props.rejected && (
        <p className="notice" data-testid="block-kept">
          Not rebuilt: fix the field{props.rejected.length === 1 ? '' : 's'} below and build again. The data block built before is kept, and so are the learner and its weights.
        </p>
      )}
      {(props.rejected?.length ?? 0) + block.problems.length > 0 && <ProblemList problems={[...(props.rejected ?? []), ...block.problems]} />}
    </Cell>
  );
});

function ProblemList(props: { problems: readonly Problem[] }) {
  return (
    <ul data-testid="block-error" className="problems">
      {props.problems.map((p, i) => (
        <li key={i} className={p.level} data-level={p.level}>
          <span className="level">{p.level}</span> {p.message}
        </li>
      ))}
    </ul>
  );
}
