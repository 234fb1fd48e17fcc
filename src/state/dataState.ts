import type { BatchTiles, BlockView } from '../core/data/blockView';
import { DEFAULT_SPEC } from '../core/data/infer';
import type { DataBlockSpec, Problem, SourceFile } from '../core/data/types';
import type { TextDataSpec } from '../core/text/textData';
import type { TextDataInfo } from '../core/text/textView';

/** Everything the data cells show. */
export interface DataState {
  readonly files: readonly SourceFile[];
  /** Where the files came from, in words (a sample's name, a folder, a zip). */
  readonly source: string;
  readonly spec: DataBlockSpec;
  /** Set while images decode: how many of how many. */
  readonly progress: { readonly done: number; readonly total: number } | null;
  /** The image block as the training worker built it: counts, problems, the summary walk; its pixels stay in the worker. */
  readonly block: BlockView | null;
  /** The spec the current block was built from, to tell when the form has moved on. */
  readonly builtSpec: DataBlockSpec | null;
  /** Bumps each time the person asks for another show_batch draw. */
  readonly batchDraw: number;
  /** show_batch's tiles as the worker drew them (plain RGBA arrays). */
  readonly batch: BatchTiles | null;
  /**
   * After a reload or an import: the saved spec (and text spec: null for images, absent in a
   * notebook saved before text specs were kept) and the paths of the files it was built on. The
   * browser cannot read those files again without the person's permission, so the studio asks
   * them to choose the folder again and matches files by path.
   */
  readonly reselect: { readonly source: string; readonly paths: readonly string[]; readonly spec: DataBlockSpec; readonly textSpec?: TextDataSpec | null } | null;
  /** How the files chosen again matched the saved paths. */
  readonly matched: { readonly found: number; readonly expected: number; readonly missing: readonly string[] } | null;
  readonly error: string | null;
  /**
   * Set when Build was refused because a value of the form is bad (a size of 5000, an empty
   * pattern): the problems, one per field. The block built before, the learner and a running fit are kept.
   */
  readonly rejected: readonly Problem[] | null;
  /** Set when the guess found text (a folder of `.txt` files, a CSV with prose): the worker builds that block; the text form edits it. */
  readonly textSpec: TextDataSpec | null;
  /** The text spec the current text block was built from, to tell when the form has moved on. */
  readonly builtTextSpec: TextDataSpec | null;
  /** The text block as the worker built it: summary and show_batch (the texts stay in the worker). */
  readonly text: TextDataInfo | null;
}

/** Every change the data cells can make. */
export type DataAction =
  | { type: 'filesLoaded'; files: readonly SourceFile[]; source: string; spec: DataBlockSpec; textSpec?: TextDataSpec | null }
  | { type: 'textBuilt'; info: TextDataInfo; spec: DataBlockSpec; textSpec?: TextDataSpec }
  | { type: 'textSpecChanged'; spec: TextDataSpec }
  | { type: 'specChanged'; spec: DataBlockSpec }
  | { type: 'buildStarted' }
  | { type: 'specRejected'; problems: readonly Problem[] }
  | { type: 'buildProgress'; done: number; total: number }
  | { type: 'built'; block: BlockView; spec: DataBlockSpec }
  | { type: 'redrawBatch' }
  | { type: 'batchDrawn'; batch: BatchTiles }
  | { type: 'reselectNeeded'; source: string; paths: readonly string[]; spec: DataBlockSpec; textSpec?: TextDataSpec | null }
  /** `textSpec`: the saved text spec, or for a notebook saved before text specs were kept, the guess's. */
  | { type: 'reselected'; files: readonly SourceFile[]; source: string; textSpec?: TextDataSpec | null }
  | { type: 'failed'; error: string };

/** The studio before anything is loaded. */
export const initialDataState: DataState = {
  files: [],
  source: '',
  spec: DEFAULT_SPEC,
  progress: null,
  block: null,
  builtSpec: null,
  batchDraw: 0,
  batch: null,
  reselect: null,
  matched: null,
  error: null,
  rejected: null,
  textSpec: null,
  builtTextSpec: null,
  text: null,
};

/** Pure reducer of the data cells. */
export function dataReducer(state: DataState, action: DataAction): DataState {
  switch (action.type) {
    case 'filesLoaded':
      return {
        ...state,
        files: action.files,
        source: action.source,
        spec: action.spec,
        block: null,
        builtSpec: null,
        batch: null,
        reselect: null,
        matched: null,
        error: null,
        rejected: null,
        textSpec: action.textSpec ?? null,
        builtTextSpec: null,
        text: null,
      };
    case 'textBuilt':
      // builtSpec marks the block as built for the training cells; the image block stays empty.
      return {
        ...state,
        progress: null,
        block: null,
        batch: null,
        builtSpec: action.info.problems.some((p) => p.blocking) ? null : action.spec,
        // A redraw brings no spec: the block is the one built before.
        builtTextSpec: action.textSpec ?? state.builtTextSpec,
        text: action.info,
      };
    case 'textSpecChanged':
      return { ...state, textSpec: action.spec };
    case 'specChanged':
      return { ...state, spec: action.spec };
    case 'buildStarted':
      return { ...state, progress: { done: 0, total: 0 }, error: null, rejected: null };
    case 'specRejected':
      return { ...state, rejected: action.problems };
    case 'buildProgress':
      return { ...state, progress: { done: action.done, total: action.total } };
    case 'built':
      return { ...state, progress: null, block: action.block, builtSpec: action.spec, batch: action.block.batch, text: null };
    case 'redrawBatch':
      return { ...state, batchDraw: state.batchDraw + 1 };
    case 'batchDrawn':
      // A draw that a later click overtook is dropped.
      return action.batch.draw === state.batchDraw ? { ...state, batch: action.batch } : state;
    case 'reselectNeeded':
      return { ...state, reselect: { source: action.source, paths: action.paths, spec: action.spec, textSpec: action.textSpec }, spec: action.spec };
    case 'reselected':
      return reselected(state, action.files, action.source, action.textSpec ?? null);
    case 'failed':
      return { ...state, progress: null, error: action.error };
  }
}

/** Files chosen again after a reload: the saved spec comes back, and how many saved paths were found is kept. */
function reselected(state: DataState, files: readonly SourceFile[], source: string, textSpec: TextDataSpec | null): DataState {
  const saved = state.reselect;
  if (!saved) return state;
  const have = new Set(files.map((f) => f.path));
  const missing = saved.paths.filter((p) => !have.has(p));
  const matched = { found: saved.paths.length - missing.length, expected: saved.paths.length, missing: missing.slice(0, 20) };
  // A text notebook comes back as text, with the spec its form last built.
  return { ...state, files, source, spec: saved.spec, block: null, builtSpec: null, batch: null, reselect: null, matched, error: null, textSpec, builtTextSpec: null, text: null };
}
