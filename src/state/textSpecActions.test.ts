import { describe, expect, it } from 'vitest';
import { memoryFile } from '../io/node/nodeFiles';
import { buildTextData, TEXT_DEFAULTS, type TextData, type TextDataSpec } from '../core/text/textData';
import { describeTextData } from '../core/text/textView';
import { makeDataCommands, type TextBuilder } from './dataActions';
import { dataReducer, initialDataState } from './dataState';
import { snapshotOf } from './persistence';
import { createStore } from './store';
import { initialTrainState } from './trainState';
import { spamCsv } from './testing/spamCsv';
import { inProcessImages } from './testing/inProcessImages';

const SPAM = spamCsv('public/samples/spam_tiny');
const files = [memoryFile('texts.csv', SPAM.csv)];

/** The worker's text build, in this process; it records every spec it was asked to build. */
function inProcessText(): TextBuilder & { specs: TextDataSpec[] } {
  let data: TextData | null = null;
  const specs: TextDataSpec[] = [];
  return {
    specs,
    async build(spec, chosen, draw) {
      specs.push(spec);
      data = await buildTextData(chosen, spec);
      return describeTextData(data, draw);
    },
    redraw: async (draw) => describeTextData(data!, draw),
  };
}

/** A studio whose data commands build text in this process; `stops` counts the fits stopped for a rebuild. */
async function loaded() {
  const store = createStore(dataReducer, initialDataState);
  const text = inProcessText();
  const counter = { stops: 0 };
  const commands = makeDataCommands(store, inProcessImages().images, async () => void counter.stops++, text);
  await commands.loadFiles(files, 'chosen files');
  return { store, commands, text, counter };
}

describe('the text form`s commands', () => {
  it('rebuilds the block with the edited spec: labels from another column, a random split at another share, a higher minimum frequency', async () => {
    const { store, commands, text, counter } = await loaded();
    const guessed = store.getState();
    // The guess took the first column of a few repeated values for the labels, and is_valid for the split.
    expect(guessed.textSpec?.source).toEqual({ kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'batch', validColumn: 'is_valid' });
    expect(guessed.text?.classes).toEqual(['a', 'b', 'c']);
    expect(guessed.text?.valid).toBe(SPAM.valid);
    expect(guessed.builtTextSpec).toBe(guessed.textSpec);
    const edited: TextDataSpec = { source: { kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'kind' }, validPct: 0.5, seed: 7, minFreq: 5, maxVocab: 6000 };
    commands.setTextSpec(edited);
    expect(store.getState().textSpec).toBe(edited);
    // The form moved on; the block shown is still the guess's until Build.
    expect(store.getState().builtTextSpec).toBe(guessed.textSpec);
    await commands.build();
    const after = store.getState();
    expect(text.specs.at(-1)).toBe(edited);
    expect(counter.stops).toBe(2);
    expect(after.builtTextSpec).toBe(edited);
    expect(after.text?.classes).toEqual(['ham', 'spam']);
    expect(after.text!.train + after.text!.valid).toBe(SPAM.rows);
    // A random half, not the 80 of is_valid.
    expect(after.text!.valid).toBeGreaterThan(0.4 * SPAM.rows);
    expect(after.text!.valid).toBeLessThan(0.6 * SPAM.rows);
    expect(after.text!.vocabSize).toBeLessThan(guessed.text!.vocabSize);
    expect(after.builtSpec).not.toBeNull();
    expect(after.builtSpec).not.toBe(guessed.builtSpec);
    // Another show_batch keeps the spec the block was built from.
    commands.redrawBatch();
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().builtTextSpec).toBe(edited);
  }, 60_000);

  it('refuses bad values, names each by field, keeps the block built before and stops no fit', async () => {
    const { store, commands, text, counter } = await loaded();
    const before = store.getState();
    const builds = text.specs.length;
    counter.stops = 0;
    commands.setTextSpec({ ...before.textSpec!, source: { kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'subject_and_body' }, validPct: 1.5, minFreq: 0, maxVocab: 5 });
    await commands.build();
    const after = store.getState();
    expect(after.rejected?.map((p) => p.field)).toEqual(['source.labelColumn', 'validPct', 'minFreq', 'maxVocab']);
    expect(after.text).toBe(before.text);
    expect(after.builtSpec).toBe(before.builtSpec);
    expect(after.builtTextSpec).toBe(before.builtTextSpec);
    expect(after.progress).toBeNull();
    expect(text.specs.length).toBe(builds);
    expect(counter.stops).toBe(0);
    // A column the CSV lacks is refused too; fixed, the next build goes through and the refusal is gone.
    commands.setTextSpec({ ...before.textSpec!, source: { kind: 'csv', csvPath: 'texts.csv', textColumn: 'body', labelColumn: 'kind' } });
    await commands.build();
    expect(store.getState().rejected?.[0].message).toContain('Text column "body" is not a column of texts.csv');
    commands.setTextSpec({ ...before.textSpec!, minFreq: 3 });
    await commands.build();
    expect(store.getState().rejected).toBeNull();
    expect(store.getState().builtTextSpec?.minFreq).toBe(3);
  }, 60_000);

  it('saves the built text spec with the notebook and rebuilds with it when the files are chosen again after a reload', async () => {
    const { store, commands } = await loaded();
    const edited: TextDataSpec = { ...store.getState().textSpec!, source: { kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'kind', validColumn: 'is_valid' }, minFreq: 4 };
    commands.setTextSpec(edited);
    await commands.build();
    const snap = structuredClone(snapshotOf(store.getState(), initialTrainState));
    expect(snap.textSpec).toEqual(edited);
    // A fresh page: the saved notebook asks for the files, which are matched by path, then built with the saved text spec.
    const fresh = createStore(dataReducer, initialDataState);
    const text = inProcessText();
    const again = makeDataCommands(fresh, inProcessImages().images, async () => {}, text);
    await again.restoreSource({ source: snap.source, sample: snap.sample, paths: snap.paths, spec: snap.builtSpec ?? snap.spec, textSpec: snap.textSpec });
    expect(fresh.getState().reselect?.textSpec).toEqual(edited);
    await again.loadFiles(files, 'chosen files');
    expect(fresh.getState().textSpec).toEqual(edited);
    expect(text.specs).toEqual([edited]);
    expect(fresh.getState().text?.classes).toEqual(['ham', 'spam']);
    expect(fresh.getState().text?.valid).toBe(SPAM.valid);
  }, 60_000);
});

describe('the text form`s state', () => {
  const spec: TextDataSpec = { source: { kind: 'folder' }, ...TEXT_DEFAULTS };
  it('textSpecChanged replaces the spec and nothing else; an image load forgets both text specs', () => {
    const loadedState = dataReducer(initialDataState, { type: 'filesLoaded', files: [], source: 's', spec: initialDataState.spec, textSpec: spec });
    const next = { ...spec, minFreq: 4 };
    const changed = dataReducer(loadedState, { type: 'textSpecChanged', spec: next });
    expect(changed).toEqual({ ...loadedState, textSpec: next });
    const images = dataReducer({ ...changed, builtTextSpec: next }, { type: 'filesLoaded', files: [], source: 'x', spec: initialDataState.spec });
    expect([images.textSpec, images.builtTextSpec]).toEqual([null, null]);
  });

  it('a notebook saved before text specs were kept has none: its reselect leaves the text spec to the command', () => {
    const asked = dataReducer(initialDataState, { type: 'reselectNeeded', source: 's', paths: ['a.txt'], spec: initialDataState.spec });
    expect(asked.reselect?.textSpec).toBeUndefined();
    const back = dataReducer(asked, { type: 'reselected', files: [memoryFile('a.txt', 'x')], source: 's', textSpec: spec });
    expect(back.textSpec).toBe(spec);
    expect(back.builtTextSpec).toBeNull();
    expect(dataReducer(asked, { type: 'reselected', files: [], source: 's' }).textSpec).toBeNull();
  });
});
