import type { BatchTiles, BlockView } from '../core/data/blockView';
import { guessSpec } from '../core/data/infer';
import { checkSpecValues } from '../core/data/specChecks';
import type { DataBlockSpec, SourceFile } from '../core/data/types';
import { mergeFiles } from '../io/browserFiles';
import type { TrainClient } from '../workers/client';
import { listSamples, loadSample } from '../io/samples';
import { guessTextSpec } from '../core/text/textGuess';
import type { TextDataSpec } from '../core/text/textData';
import type { TextDataInfo } from '../core/text/textView';
import type { DataAction, DataState } from './dataState';
import { checkTextSpec } from './textSpecForm';
import type { Store } from './store';
import { TEXT_LM_PATH } from '../io/textLm';

/** The data cells' store. */
export type DataStore = Store<DataState, DataAction>;

/**
 * Commands the data cells run: each is registered once here and shared by buttons, drops and
 * tests, and each talks to the store only through actions.
 */
export interface DataCommands {
  loadFiles(files: readonly SourceFile[], source: string): Promise<void>;
  /** Adds loose files (a CSV, `codes.txt`) to what is loaded, or to what is still being loaded. */
  addFiles(added: readonly SourceFile[]): Promise<void>;
  setSpec(spec: DataBlockSpec): void;
  /** The text form's edit; `build` rebuilds the text block with it. */
  setTextSpec(spec: TextDataSpec): void;
  build(): Promise<void>;
  redrawBatch(): void;
  /** After a reload or import: fetch a sample again, or ask for the folder again, then rebuild with the saved spec. */
  restoreSource(source: { source: string; sample: string | null; paths: readonly string[]; spec: DataBlockSpec; textSpec?: TextDataSpec | null }): Promise<void>;
}

/** Where text is tokenized: the training worker, which keeps the texts (`draw` picks show_batch's rows). */
export interface TextBuilder {
  build(spec: TextDataSpec, files: readonly SourceFile[], draw: number): Promise<TextDataInfo>;
  redraw(draw: number): Promise<TextDataInfo>;
}

/**
 * Where the image block is built: the training worker, which decodes the pictures once and
 * keeps them; the page gets a view without pixels (`draw` picks show_batch's pictures), and
 * `onProgress` hears how many pictures are decoded.
 */
export interface ImageBuilder {
  build(spec: DataBlockSpec, files: readonly SourceFile[], draw: number, onProgress: (done: number, total: number) => void): Promise<BlockView>;
  redraw(draw: number): Promise<BatchTiles>;
}

/**
 * The text builder of a training worker. The worker drops its text learners whenever it builds
 * text (their vocabulary and classes were the old block's), so `onRebuilt` tells the page's
 * stores to drop theirs.
 */
export function workerTextBuilder(client: Pick<TrainClient, 'setTextData' | 'redrawText'>, onRebuilt: () => void): TextBuilder {
  return {
    async build(spec, files, draw) {
      // The shipped language model's words enter the vocabulary from one occurrence: ULMFiT starts from them.
      const info = await client.setTextData(spec, files, draw, `${import.meta.env.BASE_URL}${TEXT_LM_PATH}`);
      onRebuilt();
      return info;
    },
    redraw: (draw) => client.redrawText(draw),
  };
}

/** The image builder of a training worker: its `buildProgress` events feed the build's progress. */
export function workerImageBuilder(client: TrainClient): ImageBuilder {
  return {
    async build(spec, files, draw, onProgress) {
      const stop = client.onEvent((e) => e.type === 'buildProgress' && onProgress(e.done, e.total));
      try {
        return await client.buildData(spec, files, draw);
      } finally {
        stop();
      }
    },
    redraw: (draw) => client.drawBatch(draw),
  };
}

/**
 * Binds the commands to a store and the worker that builds blocks (`images`, `text`).
 * `beforeBuild` runs before every build: the page stops a running fit there, so data never
 * changes under it.
 */
export function makeDataCommands(store: DataStore, images: ImageBuilder, beforeBuild: () => Promise<void> = async () => {}, text?: TextBuilder): DataCommands {
  let buildToken = 0;
  // Builds take turns: the worker refuses a build while another runs, and a build that a later
  // one overtook while it waited is skipped (only the last one's block is shown).
  let building: Promise<void> = Promise.resolve();
  const buildInTurn = (token: number, task: () => Promise<void>): Promise<void> => {
    const run = building.then(() => (token === buildToken ? task() : undefined));
    building = run.catch(() => undefined);
    return run;
  };
  // Loads take turns: guessing reads file headers, so a CSV added while the folder's guess is
  // still running must wait for it and merge with the folder, not with what was there before.
  let loading: Promise<void> = Promise.resolve();
  const inTurn = (task: () => Promise<void>): Promise<void> => {
    const run = loading.then(task);
    loading = run.catch(() => undefined);
    return run;
  };
  const load = async (files: readonly SourceFile[], source: string) => {
    const saved = store.getState().reselect;
    const known = new Set(saved?.paths ?? []);
    if (saved && (known.size === 0 || files.some((f) => known.has(f.path)))) {
      // Chosen again after a reload (or for an imported model): keep the saved spec rather than guessing.
      // A notebook saved before text specs were kept has none: text is guessed again.
      const textSpec = saved.textSpec === undefined && text ? await guessTextSpec(files) : saved.textSpec;
      store.dispatch({ type: 'reselected', files, source, textSpec });
    } else {
      const textSpec = text ? await guessTextSpec(files) : null;
      store.dispatch({ type: 'filesLoaded', files, source, spec: textSpec ? store.getState().spec : await guessSpec(files), textSpec });
    }
  };
  const commands: DataCommands = {
    async loadFiles(files, source) {
      if (files.length === 0) {
        store.dispatch({ type: 'failed', error: `${source}: no files were chosen` });
        return;
      }
      await inTurn(() => load(files, source));
      await commands.build();
    },
    async addFiles(added) {
      if (added.length === 0) return;
      await inTurn(() => {
        const { files, source } = store.getState();
        return load(mergeFiles(files, added), source ? `${source} + ${added.length} file(s)` : 'chosen files');
      });
      await commands.build();
    },
    setSpec(spec) {
      store.dispatch({ type: 'specChanged', spec });
    },
    setTextSpec(spec) {
      store.dispatch({ type: 'textSpecChanged', spec });
    },
    async build() {
      // A bad value in the form (size 5000, batch size 0, an empty pattern) is named before anything
      // else happens: a block built before stays, with the learner, and a running fit is not stopped.
      if (text && store.getState().textSpec) return buildText(text);
      const { spec: asked, block: before } = store.getState();
      const bad = checkSpecValues(asked);
      if (bad.length > 0 && before?.ok) {
        store.dispatch({ type: 'specRejected', problems: bad });
        return;
      }
      const token = ++buildToken;
      store.dispatch({ type: 'buildStarted' });
      try {
        await beforeBuild();
        await buildInTurn(token, async () => {
          const { spec, files, batchDraw } = store.getState();
          const onProgress = (done: number, total: number) => token === buildToken && store.dispatch({ type: 'buildProgress', done, total });
          const block = await images.build(spec, files, batchDraw, onProgress);
          if (token === buildToken) store.dispatch({ type: 'built', block, spec });
        });
      } catch (e) {
        if (token === buildToken) store.dispatch({ type: 'failed', error: `Building the data block failed: ${(e as Error).message}` });
      }
    },
    redrawBatch() {
      store.dispatch({ type: 'redrawBatch' });
      const draw = store.getState().batchDraw;
      if (text && store.getState().text)
        text.redraw(draw).then(
          (info) => store.dispatch({ type: 'textBuilt', info, spec: store.getState().builtSpec ?? store.getState().spec }),
          () => undefined,
        );
      // While a build runs the worker still holds the old block; the build brings its own draw.
      else if (store.getState().block?.ok && !store.getState().progress) {
        const failed = (e: Error): BatchTiles => ({ draw, tiles: [], error: `show_batch failed: ${e.message}` });
        images
          .redraw(draw)
          .then(undefined, failed)
          .then((batch) => store.dispatch({ type: 'batchDrawn', batch }));
      }
    },
    async restoreSource({ source, sample, paths, spec, textSpec }) {
      store.dispatch({ type: 'reselectNeeded', source, paths, spec, textSpec });
      if (!sample) return;
      // A built-in sample needs no permission: fetch it again.
      const info = (await listSamples()).find((s) => s.name === sample);
      if (info) await commands.loadFiles(await loadSample(info), source);
    },
  };
  /**
   * The text block: built in the worker after a running fit stops; its problems listed, the rest
   * kept. A bad value of the form (a validation share of 2, a column the CSV lacks) is named
   * first: nothing is rebuilt, the block built before stays and a running fit goes on.
   */
  async function buildText(builder: TextBuilder): Promise<void> {
    const asked = store.getState().textSpec!;
    const bad = await checkTextSpec(asked, store.getState().files);
    if (bad.length > 0) {
      store.dispatch({ type: 'specRejected', problems: bad });
      return;
    }
    const token = ++buildToken;
    store.dispatch({ type: 'buildStarted' });
    try {
      await beforeBuild();
      await buildInTurn(token, async () => {
        // The spec that was checked: an edit made since waits for the next Build.
        const { files, spec, batchDraw } = store.getState();
        const info = await builder.build(asked, files, batchDraw);
        // A spec of its own: the runner tells a new block from the one it last sent by identity.
        if (token === buildToken) store.dispatch({ type: 'textBuilt', info, spec: { ...spec }, textSpec: asked });
      });
    } catch (e) {
      if (token === buildToken) store.dispatch({ type: 'failed', error: `Building the text block failed: ${(e as Error).message}` });
    }
  }
  return commands;
}
