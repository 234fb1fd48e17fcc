import { memo } from 'react';
import type { Problem, SourceFile } from '../../../core/data/types';
import type { TextDataSpec } from '../../../core/text/textData';
import { canBuildData } from '../../../state/canRun';
import type { DataCommands } from '../../../state/dataActions';
import { Cell } from '../../components/Cell';
import { useCsvHeader } from '../../hooks/useCsvHeader';
import { TextSourceSteps, TextSplitSteps } from './TextSpecSteps';

/**
 * The text data block as form steps, the counterpart of the image `DataBlockCell`: fastai's
 * `TextDataLoaders.from_folder(valid_pct, seed)` / `from_csv(text_col, label_col, valid_col,
 * label_delim)` and `Numericalize(min_freq, max_vocab)`; "Build" tokenizes again in the worker.
 */
export const TextBlockCell = memo(function TextBlockCell(props: {
  spec: TextDataSpec;
  builtSpec: TextDataSpec | null;
  files: readonly SourceFile[];
  commands: DataCommands;
  busy: boolean;
  training: boolean;
  /** Problems of the last Build that was refused, each shown under its field. */
  rejected: readonly Problem[] | null;
  /** A text block is shown: a refused Build keeps it. */
  built: boolean;
}) {
  const { spec, files, commands } = props;
  const set = (next: TextDataSpec) => commands.setTextSpec(next);
  const header = useCsvHeader(files, spec.source.kind === 'csv' ? spec.source.csvPath : null);
  const can = canBuildData(props.busy, files.length);
  const problems = props.rejected ?? [];
  const dirty = props.builtSpec !== null && props.builtSpec !== spec;
  return (
    <Cell index={2} title="Data block" note="text · guessed from the files; change any step, then build" testId="text-spec">
      <div className="steps">
        <TextSourceSteps spec={spec} files={files} header={header} problems={problems} onChange={set} />
        <TextSplitSteps spec={spec} header={header} problems={problems} onChange={set} />
      </div>
      <div className="actions">
        <button data-testid="text-spec-build" onClick={() => commands.build()} disabled={!can.ok} title={can.why}>
          {props.busy ? 'Building…' : 'Build text block'}
        </button>
        {dirty && !props.busy && <span className="muted">The form changed since the last build.</span>}
        {props.training && !props.busy && (
          <span className="muted" data-testid="text-spec-stops-fit">
            A fit is running: building the data block stops it first.
          </span>
        )}
        <details>
          <summary>Spec as JSON</summary>
          <pre data-testid="text-spec-json">{JSON.stringify(spec, null, 2)}</pre>
        </details>
      </div>
      {props.rejected && (
        <p className="notice" data-testid="text-spec-kept">
          Not rebuilt: fix the field{props.rejected.length === 1 ? '' : 's'} marked above and build again.
          {props.built ? ' The text block built before is kept, and so are the learner and a running fit.' : ''}
        </p>
      )}
    </Cell>
  );
});
