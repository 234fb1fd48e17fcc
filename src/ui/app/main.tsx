import { createRoot } from 'react-dom/client';
import { decodeInBrowser } from '../../io/browserDecode';
import { makeDataCommands } from '../../state/dataActions';
import { dataReducer, initialDataState } from '../../state/dataState';
import { createStore } from '../../state/store';
import { makeTrainCommands } from '../../state/trainActions';
import { initialTrainState, trainReducer } from '../../state/trainState';
import { createTrainClient } from '../../workers/client';
import { App } from './App';
import './studio.css';

const dataStore = createStore(dataReducer, initialDataState);
const trainStore = createStore(trainReducer, initialTrainState);
const worker = new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module' });
const data = makeDataCommands(dataStore, decodeInBrowser);
const train = makeTrainCommands(trainStore, dataStore, createTrainClient(worker));
createRoot(document.getElementById('root')!).render(<App dataStore={dataStore} trainStore={trainStore} data={data} train={train} />);
