import { createRoot } from 'react-dom/client';
import { decodeInBrowser } from '../../io/browserDecode';
import { makeDataCommands } from '../../state/dataActions';
import { dataReducer, initialDataState } from '../../state/dataState';
import { createStore } from '../../state/store';
import { App } from './App';
import './studio.css';

const store = createStore(dataReducer, initialDataState);
const commands = makeDataCommands(store, decodeInBrowser);
createRoot(document.getElementById('root')!).render(<App store={store} commands={commands} />);
