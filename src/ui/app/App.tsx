import { useEffect } from 'react';
import type { BackendName } from '../../core/tf/backend';
import type { DataCommands, DataStore } from '../../state/dataActions';
import type { TrainCommands, TrainStore } from '../../state/trainActions';
import { DataBlockCell } from '../cells/block/DataBlockCell';
import { DataSourceCell } from '../cells/DataSourceCell';
import { ShowBatchCell } from '../cells/ShowBatchCell';
import { SummaryCell } from '../cells/SummaryCell';
import { ExportCell } from '../cells/train/ExportCell';
import { FitCell } from '../cells/train/FitCell';
import { LearnerCell } from '../cells/train/LearnerCell';
import { LrFinderCell } from '../cells/train/LrFinderCell';
import { useStore } from '../hooks/useStore';

/** A backend the person asked for in the address (`?backend=webgl`), if it is one we know. */
function backendFromUrl(): BackendName | undefined {
  const b = new URLSearchParams(window.location.search).get('backend');
  return b === 'webgpu' || b === 'webgl' || b === 'cpu' ? b : undefined;
}

/** The notebook: one column of cells, in the order a person works through lesson 3. */
export function App(props: { dataStore: DataStore; trainStore: TrainStore; data: DataCommands; train: TrainCommands }) {
  const state = useStore(props.dataStore);
  const train = useStore(props.trainStore);
  const { data } = props;
  useEffect(() => {
    // The page previews batches on its own backend; training runs on the worker's.
    data.initBackend().catch((e: Error) => props.dataStore.dispatch({ type: 'failed', error: `No tfjs backend could start on the page: ${e.message}` }));
    props.train.start(backendFromUrl()).catch((e: Error) => props.trainStore.dispatch({ type: 'failed', error: `The training worker could not start: ${e.message}` }));
  }, [data, props.train, props.dataStore, props.trainStore]);
  const backend = train.backend ?? state.backend;
  const busy = state.progress !== null;
  const ready = state.block?.ok && state.builtSpec;
  const error = state.error ?? train.error;
  return (
    <main className="notebook">
      <header className="top">
        <h1>Image Studio</h1>
        <span className="tagline">train image models in your browser — nothing leaves this machine</span>
        <span className="backend" data-testid="backend" data-reason={backend?.reason ?? ''} title={backend?.reason}>
          {backend?.name ?? 'starting…'}
        </span>
      </header>
      {backend && <p className="backend-reason muted">training backend: {backend.reason}</p>}
      {error && (
        <p className="error" data-testid="error" role="alert">
          {error}
        </p>
      )}
      <DataSourceCell commands={data} files={state.files} source={state.source} />
      {state.files.length > 0 && <DataBlockCell spec={state.spec} files={state.files} commands={data} busy={busy} dirty={state.builtSpec !== state.spec && state.builtSpec !== null} />}
      {state.progress && (
        <p className="muted" data-testid="block-progress">
          Decoding images… {state.progress.done}/{state.progress.total}
        </p>
      )}
      {state.block && <SummaryCell block={state.block} summary={state.summary} />}
      {ready && <ShowBatchCell block={state.block!} spec={state.builtSpec!} draw={state.batchDraw} commands={data} />}
      {ready && <LearnerCell state={train} commands={props.train} task={state.block!.task} />}
      {ready && <LrFinderCell state={train} commands={props.train} />}
      {ready && <FitCell state={train} commands={props.train} />}
      {ready && <ExportCell state={train} commands={props.train} />}
    </main>
  );
}
