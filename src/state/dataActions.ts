import { buildDataBlock } from '../core/data/block';
import { guessSpec } from '../core/data/infer';
import { checkSpecValues } from '../core/data/specChecks';
import { summarize } from '../core/data/summary';
import type { DataBlockSpec, ImageDecoder, SourceFile } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { mergeFiles } from '../io/browserFiles';
import { listSamples, loadSample } from '../io/samples';
import { guessTextSpec } from '../core/text/textGuess';
import type { TextDataSpec } from '../core/text/textData';
import type { TextDataInfo } from '../core/text/textView';
import type { DataAction, DataState } from './dataState';
import type { Store } from './store';

/** The data cells' store. */
export type DataStore = Store<DataState, DataAction>;

/**
 * Commands the data cells run: each is registered once here and shared by buttons, drops and
 * tests, and each talks to the store only through actions.
 */
export interface DataCommands {
  initBackend(): Promise<void>;
  loadFiles(files: readonly SourceFile[], source: string): Promise<void>;
  /** Adds loose files (a CSV, `codes.txt`) to what is loaded, or to what is still being loaded. */
  addFiles(added: readonly SourceFile[]): Promise<void>;
  setSpec(spec: DataBlockSpec): void;
  build(): Promise<void>;
  redrawBatch(): void;
  /** After a reload or import: fetch a sample again, or ask for the folder again, then rebuild with the saved spec. */
  restoreSource(source: { source: string; sample: string | null; paths: readonly string[]; spec: DataBlockSpec }): Promise<void>;
}

/** Where text is tokenized: the training worker, which keeps the texts (`draw` picks show_batch's rows). */
export interface TextBuilder {
  build(spec: TextDataSpec, files: readonly SourceFile[], draw: number): Promise<TextDataInfo>;
  redraw(draw: number): Promise<TextDataInfo>;
}

/**
 * Binds the commands to a store and a decoder (the browser's pool, or Node's in tests);
 * `decoderName` says in the summary who decoded, e.g. "2 decode workers". `beforeBuild` runs
 * before every build: the page stops a running fit there, so data never changes under it.
 */
export function makeDataCommands(store: DataStore, decode: ImageDecoder, decoderName = 'the page', beforeBuild: () => Promise<void> = async () => {}, text?: TextBuilder): DataCommands {
  let buildToken = 0;
  // Builds wait for the page's backend: a tensor made before it is set would start tfjs's default (WebGL).
  let pageBackend: Promise<void> = Promise.resolve();
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
      store.dispatch({ type: 'reselected', files, source });
    } else {
      const textSpec = text ? await guessTextSpec(files) : null;
      store.dispatch({ type: 'filesLoaded', files, source, spec: textSpec ? store.getState().spec : await guessSpec(files), textSpec });
    }
  };
  const commands: DataCommands = {
    async initBackend() {
      // The page only previews (show_batch, the summary's statistics): on the CPU, so a flaky or
      // lost GPU device can never break them; training runs on the worker's backend.
      pageBackend = chooseBackend(['cpu']).then((chosen) => {
        store.dispatch({ type: 'backendReady', backend: { name: chosen.name, reason: `the page previews on the CPU (${chosen.reason})` } });
      });
      await pageBackend;
    },
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
        await Promise.all([beforeBuild(), pageBackend.catch(() => undefined)]);
        const { spec, files } = store.getState();
        const onProgress = (done: number, total: number) => {
          // Decoding reports per image; a store update per image would flood React.
          if (token === buildToken && (done === total || done % 25 === 0)) store.dispatch({ type: 'buildProgress', done, total });
        };
        const started = performance.now();
        const block = await buildDataBlock(spec, { files, decode, onProgress });
        const summary = [...(await summarize(block, spec)), decodeRate(block.train.length + block.valid.length, performance.now() - started, decoderName, block.pixels.streamed)];
        if (token === buildToken) store.dispatch({ type: 'built', block, spec, summary });
      } catch (e) {
        if (token === buildToken) store.dispatch({ type: 'failed', error: `Building the data block failed: ${(e as Error).message}` });
      }
    },
    redrawBatch() {
      store.dispatch({ type: 'redrawBatch' });
      const draw = store.getState().batchDraw;
      if (text && store.getState().text) text.redraw(draw).then((info) => store.dispatch({ type: 'textBuilt', info, spec: store.getState().builtSpec ?? store.getState().spec }), () => undefined);
    },
    async restoreSource({ source, sample, paths, spec }) {
      store.dispatch({ type: 'reselectNeeded', source, paths, spec });
      if (!sample) return;
      // A built-in sample needs no permission: fetch it again.
      const info = (await listSamples()).find((s) => s.name === sample);
      if (info) await commands.loadFiles(await loadSample(info), source);
    },
  };
  /** The text block: built in the worker after a running fit stops; its problems listed, the rest kept. */
  async function buildText(builder: TextBuilder): Promise<void> {
    const token = ++buildToken;
    store.dispatch({ type: 'buildStarted' });
    try {
      await beforeBuild();
      const { textSpec, files, spec, batchDraw } = store.getState();
      const info = await builder.build(textSpec!, files, batchDraw);
      // A spec of its own: the runner tells a new block from the one it last sent by identity.
      if (token === buildToken) store.dispatch({ type: 'textBuilt', info, spec: { ...spec } });
    } catch (e) {
      if (token === buildToken) store.dispatch({ type: 'failed', error: `Building the text block failed: ${(e as Error).message}` });
    }
  }
  return commands;
}

/** The summary line on decoding speed: how long a folder takes to load, and by whom. */
export function decodeRate(images: number, ms: number, decoderName: string, streamed = false): string {
  const rate = `${images} images in ${(ms / 1000).toFixed(1)} s (${Math.round((images * 1000) / Math.max(ms, 1))} images/s)`;
  // A streamed block only read the headers while building; batches decode the pictures later.
  return streamed ? `Headers: ${rate} checked; batches decode the pictures as they need them` : `Decode: ${rate} by ${decoderName}`;
}
