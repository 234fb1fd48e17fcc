import { useEffect } from 'react';
import type { DataCommands, DataStore } from '../../state/dataActions';
import { DataBlockCell } from '../cells/block/DataBlockCell';
import { DataSourceCell } from '../cells/DataSourceCell';
import { ShowBatchCell } from '../cells/ShowBatchCell';
import { SummaryCell } from '../cells/SummaryCell';
import { useStore } from '../hooks/useStore';

/** The notebook: one column of cells, in the order a person works through lesson 3. */
export function App(props: { store: DataStore; commands: DataCommands }) {
  const state = useStore(props.store);
  const { commands } = props;
  useEffect(() => {
    commands.initBackend().catch((e: Error) => props.store.dispatch({ type: 'failed', error: `No tfjs backend could start: ${e.message}` }));
  }, [commands, props.store]);
  const busy = state.progress !== null;
  return (
    <main className="notebook">
      <header className="top">
        <h1>Image Studio</h1>
        <span className="tagline">train image models in your browser — nothing leaves this machine</span>
        <span className="backend" data-testid="backend" data-reason={state.backend?.reason ?? ''} title={state.backend?.reason}>
          {state.backend?.name ?? 'starting…'}
        </span>
      </header>
      {state.backend && <p className="backend-reason muted">{state.backend.reason}</p>}
      {state.error && (
        <p className="error" data-testid="error" role="alert">
          {state.error}
        </p>
      )}
      <DataSourceCell commands={commands} files={state.files} source={state.source} />
      {state.files.length > 0 && <DataBlockCell spec={state.spec} files={state.files} commands={commands} busy={busy} dirty={state.builtSpec !== state.spec && state.builtSpec !== null} />}
      {state.progress && (
        <p className="muted" data-testid="block-progress">
          Decoding images… {state.progress.done}/{state.progress.total}
        </p>
      )}
      {state.block && <SummaryCell block={state.block} summary={state.summary} />}
      {state.block?.ok && state.builtSpec && <ShowBatchCell block={state.block} spec={state.builtSpec} draw={state.batchDraw} commands={commands} />}
    </main>
  );
}
