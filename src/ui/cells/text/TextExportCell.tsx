import { memo } from 'react';
import { downloadBytes } from '../../../io/download';
import { canExport } from '../../../state/canRun';
import type { TextState } from '../../../state/textState';
import type { TrainCommands } from '../../../state/trainActions';
import { Cell } from '../../components/Cell';
import type { ProjectSlice } from '../slices';

/** The text classifier's export: a zip of model.json + weights.bin (plain tfjs), studio.json (vocabulary, tokenizer, classes) and a README. */
export const TextExportCell = memo(function TextExportCell(props: { state: ProjectSlice; text: TextState; train: TrainCommands; hasData: boolean }) {
  const can = canExport(props.state, props.hasData);
  const lm = props.text.kind === 'lm';
  const why = lm ? 'Export takes a classifier: the language model alone is not exported' : can.why;
  return (
    <Cell index={10} title="Export" note="tfjs layers format: tf.loadLayersModel loads it in any tfjs app" testId="project">
      <div className="actions">
        <button data-testid="export-download" disabled={!can.ok || lm} title={why} onClick={() => props.train.exportModel((file, bytes) => downloadBytes(file, bytes, 'application/zip'))}>
          Download classifier (.zip)
        </button>
        <span className="muted">
          model.json + weights.bin (embedding, LSTMs, concat-pool head), studio.json (classes, vocabulary, tokenizer rules, maximum length), README.md with a plain-tfjs snippet that tokenizes and predicts.
        </span>
      </div>
    </Cell>
  );
});
