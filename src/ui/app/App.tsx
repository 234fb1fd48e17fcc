import { useEffect, useMemo } from 'react';
import type { BackendName } from '../../core/tf/backend';
import type { ProbeResult } from '../../core/tf/probe';
import type { DataCommands, DataStore } from '../../state/dataActions';
import type { TrainCommands, TrainStore } from '../../state/trainActions';
import { DataBlockCell } from '../cells/block/DataBlockCell';
import { DataSourceCell } from '../cells/DataSourceCell';
import { ShowBatchCell } from '../cells/ShowBatchCell';
import { SummaryCell } from '../cells/SummaryCell';
import { PredictCell } from '../cells/results/PredictCell';
import { ResultsCell } from '../cells/results/ResultsCell';
import { FitCell } from '../cells/train/FitCell';
import { LearnerCell } from '../cells/train/LearnerCell';
import { LrFinderCell } from '../cells/train/LrFinderCell';
import { ProjectCell } from '../cells/train/ProjectCell';
import type { ProjectCommands } from '../../state/projectActions';
import type { ResultsCommands } from '../../state/resultsActions';
import { testFolderFiles } from '../../state/testSet';
import { useSlice } from '../hooks/useSlice';
import { useStore } from '../hooks/useStore';
import type { TextCommands, TextStore } from '../../state/textActions';
import { TextBatchCell, TextSummaryCell } from '../cells/text/TextDataCells';
import { TextBlockCell } from '../cells/text/TextBlockCell';
import { TextLearnerCell } from '../cells/text/TextLearnerCell';
import { TextExportCell } from '../cells/text/TextExportCell';
import { TextPredictCell, TextResultsCell } from '../cells/text/TextResultsCells';
import { LEARNER_FIELDS, PREDICT_FIELDS, PROJECT_FIELDS, RESULTS_FIELDS } from '../cells/slices';

/** A backend the person asked for in the address (`?backend=webgl`), if it is one we know. */
function backendFromUrl(): BackendName | undefined {
  const b = new URLSearchParams(window.location.search).get('backend');
  return b === 'webgpu' || b === 'webgl' || b === 'wasm' || b === 'cpu' ? b : undefined;
}

/** How many decode workers the training worker spawns (`?decoders=N`; the benchmark compares 1 with the default). */
function decodersFromUrl(): number | undefined {
  return Number(new URLSearchParams(window.location.search).get('decoders')) || undefined;
}

/** The notebook: one column of cells, in the order a person works through lesson 3. */
export function App(props: { dataStore: DataStore; trainStore: TrainStore; data: DataCommands; train: TrainCommands; results: ResultsCommands; project: ProjectCommands; textStore: TextStore; text: TextCommands }) {
  const state = useStore(props.dataStore);
  const textState = useStore(props.textStore);
  const trainState = useStore(props.trainStore);
  const { data } = props;
  useEffect(() => {
    let stopAutosave = () => {};
    props.train
      .start(backendFromUrl(), decodersFromUrl())
      // Restore only once the worker runs: the saved weights go straight into it.
      .then(() => props.project.restore())
      .then(() => (stopAutosave = props.project.startAutosave()))
      .catch((e: Error) => props.trainStore.dispatch({ type: 'failed', error: `The training worker could not start: ${e.message}` }));
    return () => stopAutosave();
  }, [props.train, props.project, props.trainStore]);
  const busy = state.progress !== null;
  // While the worker builds the data block, the training cells wait (their commands refuse too).
  const train = busy && !trainState.busy ? { ...trainState, busy: 'data' as const } : trainState;
  // The page runs no tfjs: the one backend is the training worker's.
  const backend = train.backend;
  // Text: the worker built the block; the page shows its summary (below), not the image cells.
  const ready = (state.block?.ok || state.text) && state.builtSpec;
  const image = ready && !state.text;
  const testFiles = useMemo(() => testFolderFiles(state.files, state.block), [state.files, state.block]);
  const error = state.error ?? train.error;
  // Cells that show no live progress get only their fields, unchanged by a progress event.
  const learnerSlice = useSlice(train, LEARNER_FIELDS);
  const resultsSlice = useSlice(train, RESULTS_FIELDS);
  const predictSlice = useSlice(train, PREDICT_FIELDS);
  const projectSlice = useSlice(train, PROJECT_FIELDS);
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
      {train.backend?.timings && <BackendTimings timings={train.backend.timings} chosen={train.backend.name} />}
      {error && (
        <p className="error" data-testid="error" role="alert">
          {error}
        </p>
      )}
      {train.notice && (
        <p className="notice" data-testid="notice">
          {train.notice}
        </p>
      )}
      <DataSourceCell commands={data} files={state.files} source={state.source} reselect={state.reselect} matched={state.matched} />
      {state.files.length > 0 && !state.textSpec && (
        <DataBlockCell
          spec={state.spec}
          files={state.files}
          commands={data}
          busy={busy}
          dirty={state.builtSpec !== state.spec && state.builtSpec !== null}
          training={trainState.busy === 'fit' || trainState.busy === 'lrFind'}
        />
      )}
      {state.files.length > 0 && state.textSpec && (
        <TextBlockCell
          spec={state.textSpec}
          builtSpec={state.builtTextSpec}
          files={state.files}
          commands={data}
          busy={busy}
          training={trainState.busy === 'fit' || trainState.busy === 'lrFind'}
          rejected={state.rejected}
          built={state.text !== null}
        />
      )}
      {state.progress && (
        <p className="muted" data-testid="block-progress">
          {state.textSpec ? 'Tokenizing the texts in the training worker…' : `Decoding images… ${state.progress.done}/${state.progress.total}`}
        </p>
      )}
      {state.text && <TextSummaryCell info={state.text} spec={state.builtTextSpec} />}
      {state.text && ready && <TextBatchCell info={state.text} commands={data} />}
      {state.text && ready && <TextLearnerCell state={learnerSlice} text={textState} commands={props.text} train={props.train} />}
      {state.text && ready && <LrFinderCell state={train} commands={props.train} />}
      {state.text && ready && <FitCell state={train} commands={props.train} hasData text />}
      {state.text && ready && <TextResultsCell text={textState} commands={props.text} busy={train.busy !== null} hasLearner={!!train.learner} />}
      {state.text && ready && <TextPredictCell text={textState} commands={props.text} busy={train.busy !== null} hasLearner={!!train.learner} />}
      {state.text && ready && <TextExportCell state={projectSlice} text={textState} train={props.train} hasData />}
      {state.block && <SummaryCell block={state.block} rejected={state.rejected} />}
      {image && <ShowBatchCell block={state.block!} spec={state.builtSpec!} batch={state.batch} commands={data} />}
      {image && <LearnerCell state={learnerSlice} commands={props.train} task={state.block!.task} />}
      {image && <LrFinderCell state={train} commands={props.train} />}
      {!state.text && (ready || train.rows.length > 0 || train.runs.length > 0) && <FitCell state={train} commands={props.train} hasData={!!ready} />}
      {image && <ResultsCell state={resultsSlice} commands={props.results} testFiles={testFiles} />}
      {!state.text && (ready || train.learner) && <PredictCell state={predictSlice} commands={props.results} canFineTune={!!ready} />}
      {!state.text && <ProjectCell state={projectSlice} train={props.train} project={props.project} hasData={!!ready} />}
    </main>
  );
}

/** One measured training step per backend, as the start-up probe timed it; `?backend=` overrides. */
function BackendTimings(props: { timings: readonly ProbeResult[]; chosen: string }) {
  return (
    <p className="backend-reason muted" data-testid="backend-timings">
      one training step (small CNN, 16 pictures at 32 px):{' '}
      {props.timings.map((t, i) => (
        <span key={t.name} data-backend={t.name} data-ms={t.msPerStep?.toFixed(1) ?? ''}>
          {i > 0 && ' · '}
          {t.name === props.chosen ? <b>{t.name}</b> : t.name}{' '}
          {t.msPerStep !== undefined ? `${t.msPerStep.toFixed(0)} ms${t.fallbackAdapter ? ' (software GPU)' : t.name === 'wasm' && t.adapter ? ` (${t.adapter})` : ''}` : `unavailable (${t.error})`}
        </span>
      ))}{' '}
      — pick another with <code>?backend=webgpu|webgl|wasm|cpu</code>
    </p>
  );
}
