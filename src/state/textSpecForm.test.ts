import { describe, expect, it } from 'vitest';
import { memoryFile, readFolder } from '../io/node/nodeFiles';
import { guessTextSpec } from '../core/text/textGuess';
import { TEXT_DEFAULTS, type TextDataSpec } from '../core/text/textData';
import { checkTextSpecValues, csvFilesOf, csvSourceFor, readCsvHeader } from './textSpecForm';
import { spamCsv } from './testing/spamCsv';

const { csv } = spamCsv('public/samples/spam_tiny');
const files = [memoryFile('texts.csv', csv), memoryFile('other/b.csv', 'a,b\n1,2\n'), memoryFile('notes.txt', 'hello')];
const csvSpec = (source: Partial<Extract<TextDataSpec['source'], { kind: 'csv' }>> = {}, rest: Partial<TextDataSpec> = {}): TextDataSpec => ({
  source: { kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'kind', ...source },
  ...TEXT_DEFAULTS,
  ...rest,
});

describe('the text form: a CSV`s columns', () => {
  it('lists the chosen CSVs and reads a header (quoted multi-line e-mails included) with what each column holds', async () => {
    expect(csvFilesOf(files)).toEqual(['other/b.csv', 'texts.csv']);
    const header = (await readCsvHeader(files, 'texts.csv'))!;
    expect(header.columns).toEqual(['id', 'batch', 'subject_and_body', 'kind', 'is_valid']);
    const values = (c: string) => header.sample.map((r) => r[c] ?? '');
    expect(header.sample[0].kind).toBe('ham');
    expect(new Set(values('batch')).size).toBe(3);
    expect(values('subject_and_body').reduce((n, v) => n + v.length, 0) / header.sample.length).toBeGreaterThan(100);
    expect(await readCsvHeader(files, 'missing.csv')).toBeNull();
  });

  it('picks the longest column for the texts and `is_valid` for the split when the person picks a CSV', async () => {
    const header = (await readCsvHeader(files, 'texts.csv'))!;
    expect(csvSourceFor(header)).toEqual({ kind: 'csv', csvPath: 'texts.csv', textColumn: 'subject_and_body', labelColumn: 'batch', validColumn: 'is_valid' });
    const small = (await readCsvHeader(files, 'other/b.csv'))!;
    // One row: no column repeats, so the labels fall back to the first other column.
    expect(csvSourceFor(small)).toEqual({ kind: 'csv', csvPath: 'other/b.csv', textColumn: 'a', labelColumn: 'b' });
    // Short texts are no prose to the guess: the longest column still holds them, and `is_valid` still splits.
    const short = (await readCsvHeader([memoryFile('c.csv', 'is_valid,label,note\nFalse,x,short one\nTrue,y,short two\n')], 'c.csv'))!;
    expect(csvSourceFor(short)).toEqual({ kind: 'csv', csvPath: 'c.csv', textColumn: 'note', labelColumn: 'label', validColumn: 'is_valid' });
  });

  it('reads a column of space-separated tags as the guess does: multi-label, split on spaces', async () => {
    const tagged = readFolder('public/samples/spam_tags_tiny');
    const header = (await readCsvHeader(tagged, 'emails.csv'))!;
    const source = csvSourceFor(header);
    expect(source).toEqual({ kind: 'csv', csvPath: 'emails.csv', textColumn: 'text', labelColumn: 'tags', validColumn: 'is_valid', separator: ' ' });
    expect(source).toEqual((await guessTextSpec(tagged))?.source);
    expect(checkTextSpecValues({ source, ...TEXT_DEFAULTS }, header)).toEqual([]);
  });
});

describe('the text form: bad values are named by field', () => {
  it('accepts the guess`s defaults and a good CSV source', async () => {
    const header = await readCsvHeader(files, 'texts.csv');
    expect(checkTextSpecValues(csvSpec({ validColumn: 'is_valid', separator: ' ' }), header)).toEqual([]);
    expect(checkTextSpecValues({ source: { kind: 'folder' }, ...TEXT_DEFAULTS }, null)).toEqual([]);
  });

  it('names a validation share outside (0, 1), a minimum frequency under 1, a vocabulary under 10, a seed that is not whole', () => {
    const bad = checkTextSpecValues({ source: { kind: 'folder' }, validPct: 1, seed: 1.5, minFreq: 0, maxVocab: 9 }, null);
    expect(bad.map((p) => p.field)).toEqual(['validPct', 'seed', 'minFreq', 'maxVocab']);
    expect(bad.every((p) => p.blocking && p.level === 'error')).toBe(true);
    expect(bad[0].message).toBe('Validation share must be a number more than 0 and less than 1 (0.2 = a fifth of the texts), not 1');
    expect(bad[2].message).toBe('Min frequency must be a whole number of at least 1, not 0');
    expect(bad[3].message).toBe('Max vocabulary must be a whole number of at least 10, not 9');
    expect(checkTextSpecValues({ source: { kind: 'folder' }, ...TEXT_DEFAULTS, validPct: 0 }, null)[0].field).toBe('validPct');
    // An empty box is NaN: named as empty, never kept as the old value.
    expect(checkTextSpecValues({ source: { kind: 'folder' }, ...TEXT_DEFAULTS, minFreq: NaN }, null)[0].message).toBe('Min frequency must be a whole number of at least 1; it is empty or not a number');
    expect(checkTextSpecValues({ source: { kind: 'folder' }, ...TEXT_DEFAULTS, maxVocab: 10, minFreq: 1, validPct: 0.99 }, null)).toEqual([]);
  });

  it('names a column the CSV lacks, text and label from one column, a CSV that is not chosen', async () => {
    const header = await readCsvHeader(files, 'texts.csv');
    const missing = checkTextSpecValues(csvSpec({ labelColumn: 'category' }), header);
    expect(missing).toEqual([{ level: 'error', blocking: true, field: 'source.labelColumn', message: 'Label column "category" is not a column of texts.csv (it has id, batch, subject_and_body, kind, is_valid)' }]);
    expect(checkTextSpecValues(csvSpec({ labelColumn: 'subject_and_body' }), header).map((p) => p.message)).toEqual(['Text and label are both "subject_and_body": the labels must come from another column']);
    expect(checkTextSpecValues(csvSpec({ validColumn: 'kind' }), header)[0]).toMatchObject({ field: 'source.validColumn' });
    expect(checkTextSpecValues(csvSpec({ validColumn: 'nope' }), header)[0]).toMatchObject({ field: 'source.validColumn' });
    expect(checkTextSpecValues(csvSpec({ textColumn: '' }), header)[0]).toMatchObject({ field: 'source.textColumn', message: 'Text column: choose a column of texts.csv' });
    expect(checkTextSpecValues(csvSpec({ csvPath: 'gone.csv' }), null)).toEqual([{ level: 'error', blocking: true, field: 'source.csvPath', message: 'CSV file gone.csv is not among the chosen files' }]);
  });
});
