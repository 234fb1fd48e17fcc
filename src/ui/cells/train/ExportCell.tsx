import { downloadBytes } from '../../../io/download';
import type { TrainCommands } from '../../../state/trainActions';
import type { TrainState } from '../../../state/trainState';
import { Cell } from '../../components/Cell';

/** Take the weights away: one zip with model.json + weights.bin (plain tfjs), studio.json and a README. */
export function ExportCell(props: { state: TrainState; commands: TrainCommands }) {
  const trained = props.state.rows.length > 0;
  return (
    <Cell index={8} title="Export" note="tfjs layers format: load it with tf.loadLayersModel in any tfjs app">
      <div className="actions">
        <button data-testid="export-download" disabled={props.state.busy !== null || !trained} onClick={() => props.commands.exportModel((name, bytes) => downloadBytes(name, bytes, 'application/zip'))}>
          Download model (.zip)
        </button>
        <span className="muted">{trained ? 'model.json, weights.bin, studio.json (classes, normalization, data block, history), README.md' : 'Train first.'}</span>
      </div>
    </Cell>
  );
}
