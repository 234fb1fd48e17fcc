import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../io/node/nodeFiles';
import { TEXT_DEFAULTS, buildTextData } from './textData';
import { guessTextSpec } from './textGuess';
import { describeTextData, textResults } from './textView';

const folder = [
  memoryFile('train/pos/a.txt', 'A GREAT movie, I loved it.'),
  memoryFile('train/pos/b.txt', 'Loved it. Great acting and a great story.'),
  memoryFile('train/neg/c.txt', 'A bad movie. I hated it.'),
  memoryFile('train/neg/d.txt', 'Bad acting, bad story; hated it.'),
  memoryFile('train/neg/empty.txt', '  \n'),
  memoryFile('train/pos/latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b])),
  memoryFile('valid/pos/e.txt', 'Great, loved it.'),
  memoryFile('valid/neg/f.txt', 'Bad, hated it.'),
  memoryFile('unsup/g.txt', 'A movie with a story.'),
  memoryFile('README.md', '# not an item'),
];

describe('text data block', () => {
  it('guesses a folder of .txt files named by class, and a CSV with a prose column', async () => {
    expect((await guessTextSpec(folder))?.source).toEqual({ kind: 'folder' });
    const csv = memoryFile('texts.csv', 'label,text,is_valid\npos,"This film was a great pleasure to watch, truly",0\nneg,"I would not watch this film again, it was awful",1\n');
    expect((await guessTextSpec([csv]))?.source).toEqual({ kind: 'csv', csvPath: 'texts.csv', textColumn: 'text', labelColumn: 'label', validColumn: 'is_valid' });
    expect(await guessTextSpec([memoryFile('train/3/a.png', new Uint8Array([1]))])).toBeNull();
  });

  it('splits by folder, keeps unlabelled texts for the language model, and lists bad files by name', async () => {
    const data = await buildTextData(folder, { source: { kind: 'folder' }, ...TEXT_DEFAULTS });
    expect(data.classes).toEqual(['neg', 'pos']);
    expect([data.train.length, data.valid.length, data.unsup.length]).toEqual([4, 2, 1]);
    expect(data.problems.map((p) => p.file)).toEqual(['train/neg/empty.txt', 'train/pos/latin1.txt']);
    expect(data.train[0].tokens[0]).toBe('xxbos');
    expect(data.train[2].tokens.slice(0, 4)).toEqual(['xxbos', 'a', 'xxup', 'great']);
    const info = describeTextData(data);
    expect(info.counts).toEqual([
      { name: 'neg', train: 2, valid: 1 },
      { name: 'pos', train: 2, valid: 1 },
    ]);
    expect(info.vocabSize % 8).toBe(0);
    expect(info.unkValid).toBeGreaterThanOrEqual(0);
    expect(info.batch[0].tokens).toContain('xxbos');
    // The language model's target is its input one token later.
    expect(info.lmBatch[0].target.slice(0, -1)).toEqual(info.lmBatch[0].input.slice(1));
  });

  it('reads a CSV, naming rows without text by line', async () => {
    const csv = memoryFile('t.csv', 'text,label\n"good good fine",pos\n,neg\n"bad bad awful",neg\n"good fine",pos\n"awful bad",neg\n');
    const data = await buildTextData([csv], { source: { kind: 'csv', csvPath: 't.csv', textColumn: 'text', labelColumn: 'label' }, ...TEXT_DEFAULTS, validPct: 0.5, seed: 3 });
    expect(data.problems.filter((p) => p.line !== undefined).map((p) => p.line)).toEqual([3]);
    // Every row with text is kept, or named when its class has no training text.
    expect(data.train.length + data.valid.length + data.problems.filter((p) => /no training text/.test(p.message)).length).toBe(4);
  });

  it('turns validation predictions into a confusion matrix and top losses with their texts', () => {
    const r = textResults(['a', 'b'], [0.9, 0.1, 0.2, 0.8, 0.7, 0.3], [0, 1, 1], [0.1, 0.2, 1.2], ['x', 'y', 'z']);
    expect(r.confusion).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(r.accuracy).toBeCloseTo(2 / 3);
    expect(r.topLosses[0]).toMatchObject({ text: 'z', actual: 'b', predicted: 'a' });
    expect(r.confidentMistakes.map((m) => m.text)).toEqual(['z']);
  });
});
