import type { DataBlock } from '../core/data/block';
import { DEFAULT_SPEC } from '../core/data/infer';
import type { DataBlockSpec, SourceFile } from '../core/data/types';

/** Which backend tfjs runs on, and why that one. */
export interface BackendInfo {
  readonly name: string;
  readonly reason: string;
}

/** Everything the data cells show. */
export interface DataState {
  readonly backend: BackendInfo | null;
  readonly files: readonly SourceFile[];
  /** Where the files came from, in words (a sample's name, a folder, a zip). */
  readonly source: string;
  readonly spec: DataBlockSpec;
  /** Set while images decode: how many of how many. */
  readonly progress: { readonly done: number; readonly total: number } | null;
  readonly block: DataBlock | null;
  /** The spec the current block was built from, to tell when the form has moved on. */
  readonly builtSpec: DataBlockSpec | null;
  readonly summary: readonly string[];
  /** Bumps each time the person asks for another show_batch draw. */
  readonly batchDraw: number;
  readonly error: string | null;
}

/** Every change the data cells can make. */
export type DataAction =
  | { type: 'backendReady'; backend: BackendInfo }
  | { type: 'filesLoaded'; files: readonly SourceFile[]; source: string; spec: DataBlockSpec }
  | { type: 'specChanged'; spec: DataBlockSpec }
  | { type: 'buildStarted' }
  | { type: 'buildProgress'; done: number; total: number }
  | { type: 'built'; block: DataBlock; spec: DataBlockSpec; summary: readonly string[] }
  | { type: 'redrawBatch' }
  | { type: 'failed'; error: string };

/** The studio before anything is loaded. */
export const initialDataState: DataState = {
  backend: null,
  files: [],
  source: '',
  spec: DEFAULT_SPEC,
  progress: null,
  block: null,
  builtSpec: null,
  summary: [],
  batchDraw: 0,
  error: null,
};

/** Pure reducer of the data cells. */
export function dataReducer(state: DataState, action: DataAction): DataState {
  switch (action.type) {
    case 'backendReady':
      return { ...state, backend: action.backend };
    case 'filesLoaded':
      return { ...state, files: action.files, source: action.source, spec: action.spec, block: null, builtSpec: null, summary: [], error: null };
    case 'specChanged':
      return { ...state, spec: action.spec };
    case 'buildStarted':
      return { ...state, progress: { done: 0, total: 0 }, error: null };
    case 'buildProgress':
      return { ...state, progress: { done: action.done, total: action.total } };
    case 'built':
      return { ...state, progress: null, block: action.block, builtSpec: action.spec, summary: action.summary };
    case 'redrawBatch':
      return { ...state, batchDraw: state.batchDraw + 1 };
    case 'failed':
      return { ...state, progress: null, error: action.error };
  }
}
