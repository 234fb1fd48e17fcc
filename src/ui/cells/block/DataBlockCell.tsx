import { memo } from 'react';
import type { DataBlockSpec, SourceFile } from '../../../core/data/types';
import { canBuildData } from '../../../state/canRun';
import type { DataCommands } from '../../../state/dataActions';
import { Cell } from '../../components/Cell';
import { ItemsForm, LabelForm, SplitForm } from './StepForms';
import { TransformsForm } from './TransformsForm';

/** The data block as form steps, in fastai's order; "Build" runs it. */
export const DataBlockCell = memo(function DataBlockCell(props: { spec: DataBlockSpec; files: readonly SourceFile[]; commands: DataCommands; busy: boolean; dirty: boolean; training: boolean }) {
  const { spec, files, commands } = props;
  const set = (next: DataBlockSpec) => commands.setSpec(next);
  const can = canBuildData(props.busy, files.length);
  return (
    <Cell index={2} title="Data block" note="defaults guessed from the files; change any step, then build">
      <div className="steps">
        <ItemsForm value={spec.items} files={files} onChange={(items) => set({ ...spec, items })} />
        <LabelForm value={spec.label} files={files} onChange={(label) => set({ ...spec, label })} />
        <SplitForm value={spec.split} onChange={(split) => set({ ...spec, split })} />
        <TransformsForm spec={spec} onChange={set} />
      </div>
      <div className="actions">
        <button data-testid="block-build" onClick={() => commands.build()} disabled={!can.ok} title={can.why}>
          {props.busy ? 'Building…' : 'Build data block'}
        </button>
        {props.dirty && !props.busy && <span className="muted">The form changed since the last build.</span>}
        {props.training && !props.busy && (
          <span className="muted" data-testid="block-build-stops-fit">
            A fit is running: building the data block stops it first.
          </span>
        )}
        <details>
          <summary>Spec as JSON (for the command line)</summary>
          <pre data-testid="block-json">{JSON.stringify(spec, null, 2)}</pre>
        </details>
      </div>
    </Cell>
  );
});
