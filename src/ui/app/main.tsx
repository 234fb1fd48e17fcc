import { createRoot } from 'react-dom/client';
import { makeDataCommands, workerImageBuilder, workerTextBuilder } from '../../state/dataActions';
import { dataReducer, initialDataState } from '../../state/dataState';
import { createStore } from '../../state/store';
import { makeProjectCommands } from '../../state/projectActions';
import { makeResultsCommands } from '../../state/resultsActions';
import { makeTrainCommands } from '../../state/trainActions';
import { makeTrainRunner } from '../../state/trainRunner';
import { makeTextCommands } from '../../state/textActions';
import { initialTextState, textReducer } from '../../state/textState';
import { initialTrainState, trainReducer } from '../../state/trainState';
import { createTrainClient } from '../../workers/client';
import { App } from './App';
import './studio.css';

const dataStore = createStore(dataReducer, initialDataState);
const trainStore = createStore(trainReducer, initialTrainState);
const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module' });
const runner = makeTrainRunner(trainStore, dataStore, createTrainClient(worker));
// The training worker builds and keeps the data block (pictures decoded once, by the decode
// workers it spawns); the page gets plain views. A rebuild stops a running fit first (its run
// says so): the worker never trains on data that changed under it.
// Text is tokenized in the training worker, which keeps the texts; the page gets the summary.
const textStore = createStore(textReducer, initialTextState);
const textBuilder = workerTextBuilder(runner.client, () => {
  trainStore.dispatch({ type: 'learnerDropped' });
  textStore.dispatch({ type: 'textReset' });
});
const data = makeDataCommands(dataStore, workerImageBuilder(runner.client), runner.settleForRebuild, textBuilder);
const text = makeTextCommands(textStore, runner);
const train = makeTrainCommands(trainStore, dataStore, runner.client, runner);
const results = makeResultsCommands(runner);
const project = makeProjectCommands(runner, data);
createRoot(document.getElementById('root')!).render(<App dataStore={dataStore} trainStore={trainStore} data={data} train={train} results={results} project={project} textStore={textStore} text={text} />);
