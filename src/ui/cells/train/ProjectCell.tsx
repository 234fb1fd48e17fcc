import { memo, useState } from 'react';
import type { ProjectSlice } from '../slices';
import { fromFolderInput } from '../../../io/browserFiles';
import { downloadBytes } from '../../../io/download';
import { canDeleteCheckpoint, canExport, canLoadCheckpoint, canSaveCheckpoint } from '../../../state/canRun';
import type { ProjectCommands } from '../../../state/projectActions';
import type { TrainCommands } from '../../../state/trainActions';
import { Cell } from '../../components/Cell';

/**
 * Take the weights away and bring them back: the export zip (plain tfjs, Teachable Machine,
 * studio.json), import of such a zip, and named checkpoints kept in this browser.
 */
export const ProjectCell = memo(function ProjectCell(props: { state: ProjectSlice; train: TrainCommands; project: ProjectCommands; hasData: boolean }) {
  const { state, project } = props;
  const [name, setName] = useState('stage-1');
  const [float16, setFloat16] = useState(false);
  const trained = state.rows.length > 0 && props.hasData && state.learner !== null;
  const can = { export: canExport(state, props.hasData), save: canSaveCheckpoint(state, props.hasData), load: canLoadCheckpoint(state), delete: canDeleteCheckpoint(state) };
  return (
    <Cell index={10} title="Export, import and checkpoints" note="tfjs layers format: tf.loadLayersModel loads it in any tfjs app" testId="project">
      <div className="actions">
        <button data-testid="export-download" disabled={!can.export.ok} title={can.export.why} onClick={() => props.train.exportModel((file, bytes) => downloadBytes(file, bytes, 'application/zip'), { float16 })}>
          Download model (.zip)
        </button>
        <label className="check" title="Each weight rounded to float16: half the download; tf.loadLayersModel widens them back to float32. Training itself stays float32 (tfjs has no float16 training).">
          <input type="checkbox" data-testid="export-float16" checked={float16} onChange={(e) => setFloat16(e.target.checked)} />
          float16 weights (half the size)
        </label>
        <button
          className="secondary"
          data-testid="export-pytorch"
          disabled={!can.export.ok}
          title={can.export.why ?? 'train.py (plain PyTorch, torchrun for many GPUs), the weights converted at load, plan.json (the fits of this notebook), notebook.ipynb (fastai v2) and README.md'}
          onClick={() => props.train.exportPytorch((file, bytes) => downloadBytes(file, bytes, 'application/zip'))}
        >
          Export for PyTorch (.zip)
        </button>
        <label className="button secondary">
          Import project…
          <input
            type="file"
            data-testid="import-project"
            accept=".zip,.json,.bin"
            multiple
            hidden
            onChange={async (e) => {
              const files = e.target.files ? Array.from(e.target.files) : [];
              e.target.value = '';
              // Kept whole (a zip is not expanded here) and by relative path, so teachable-machine/model.json stays apart.
              if (files.length) await project.importProject(fromFolderInput(files));
            }}
          />
        </label>
        <span className="muted">
          {trained
            ? 'model.json + weights.bin, teachable-machine/, studio.json (classes, normalization, data block, history), README.md. For PyTorch: train.py (torchrun for GPUs), weights/, notebook.ipynb (fastai); its output imports here.'
            : 'Train first to export; import takes an exported zip (or its files).'}
        </span>
      </div>
      <div className="actions">
        <label>
          checkpoint <input data-testid="checkpoint-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button className="secondary" data-testid="checkpoint-save" disabled={!can.save.ok} title={can.save.why} onClick={() => project.saveCheckpoint(name)}>
          learn.save
        </button>
      </div>
      <ul className="checkpoints" data-testid="checkpoints">
        {state.checkpoints.map((c) => (
          <li key={c.name} data-testid="checkpoint-item" data-name={c.name}>
            <b>{c.name}</b>{' '}
            <span className="muted">
              {new Date(c.savedAt).toLocaleString()}, after {c.epochs} epochs
            </span>{' '}
            <button className="secondary" data-testid="checkpoint-load" disabled={!can.load.ok} title={can.load.why} onClick={() => project.loadCheckpoint(c.name)}>
              learn.load
            </button>{' '}
            <button className="secondary" data-testid="checkpoint-delete" disabled={!can.delete.ok} title={can.delete.why} onClick={() => project.deleteCheckpoint(c.name)}>
              delete
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">
        The notebook saves itself in this browser after every change and every epoch.{' '}
        <button className="link" data-testid="notebook-forget" onClick={() => project.forget()}>
          Start a new notebook
        </button>
      </p>
    </Cell>
  );
});
