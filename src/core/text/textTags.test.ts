/** Multi-label text (fastai's `label_delim`): tags from a CSV, multi-hot batches, the guess, the results. */
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../io/node/nodeFiles';
import { classifierBatchArrays, classifierLoader } from './loaders';
import { TEXT_DEFAULTS, buildTextData } from './textData';
import { guessTextSpec } from './textGuess';
import { describeTextData, textMultiResults } from './textView';

const CSV = [
  'text,tags,is_valid',
  '"Cheap pills, click here to order now",spam html,0',
  '"Re: the kernel build fails on my laptop",list reply,0',
  '"Meeting notes for the list, see below",list,0',
  '"A plain note to a friend about lunch",,0',
  '"Win a prize today, click the link",spam,1',
  '"Re: lunch tomorrow with the whole team",reply unknowntag,1',
].join('\n');
const SPEC = { source: { kind: 'csv', csvPath: 'tags.csv', textColumn: 'text', labelColumn: 'tags', validColumn: 'is_valid', separator: ' ' }, ...TEXT_DEFAULTS } as const;

describe('multi-label text', () => {
  it('reads tags split on the separator; an empty cell is a text with no tag, and a tag unseen in training is named', async () => {
    const data = await buildTextData([memoryFile('tags.csv', CSV)], SPEC);
    expect(data.task).toBe('multi');
    expect(data.classes).toEqual(['html', 'list', 'reply', 'spam']);
    expect(data.train.map((t) => t.tags.map((k) => data.classes[k]))).toEqual([['spam', 'html'], ['list', 'reply'], ['list'], []]);
    expect(data.unsup).toHaveLength(0);
    expect(data.valid.map((t) => t.tags)).toEqual([[3], [2]]);
    expect(data.problems.map((p) => p.message)).toEqual([expect.stringMatching(/tags\.csv:7: tag "unknowntag" has no training text; ignored/)]);
    const info = describeTextData(data);
    expect(info.task).toBe('multi');
    expect(info.counts.find((c) => c.name === 'list')).toEqual({ name: 'list', train: 2, valid: 0 });
    expect(info.batch.map((b) => b.label)).toContain('spam;html');
  });

  it('the same CSV without a separator is single-label, each tag combination a class', async () => {
    const data = await buildTextData([memoryFile('tags.csv', CSV)], { ...SPEC, source: { ...SPEC.source, separator: undefined } });
    expect(data.task).toBe('single');
    expect(data.classes).toEqual(['list', 'list reply', 'spam html']);
    expect(data.unsup).toHaveLength(1);
  });

  it('guesses the tag column and its space separator, and keeps a second prose column out of it', async () => {
    // Rows twice over: a tag column is one whose few tags repeat.
    const twice = `${CSV}\n${CSV.split('\n').slice(1).join('\n')}`;
    expect((await guessTextSpec([memoryFile('tags.csv', twice)]))?.source).toEqual(SPEC.source);
    const twoTexts = ['title,body,label', ...Array.from({ length: 6 }, (_, i) => `"A title of some words number ${i} here","The body of message ${i} is long enough to be prose, surely",${i % 2 ? 'pos' : 'neg'}`)].join(
      '\n',
    );
    const spec = await guessTextSpec([memoryFile('two.csv', twoTexts)]);
    expect(spec?.source).toMatchObject({ labelColumn: 'label' });
    expect(spec?.source).not.toHaveProperty('separator');
  });

  it('batches tags as multi-hot float rows in the batch order', () => {
    const texts = [Int32Array.of(2, 5, 6), Int32Array.of(2, 7), Int32Array.of(2, 8, 9, 10)];
    const [b] = classifierBatchArrays(texts, [[0, 2], [], [1]], 0, { bs: 3, numClasses: 3 });
    expect(b.indices).toEqual([2, 0, 1]);
    expect(b.y).toBeInstanceOf(Float32Array);
    expect(Array.from(b.y)).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 0]);
    expect(() => classifierLoader(texts, [[0], [1], [2]], {})).toThrow(/numClasses/);
  });

  it('results: metrics at the threshold, per-tag scores, the sweep, and tags predicted per text', () => {
    // Two texts, two tags: the first is right at 0.2, the second misses its tag.
    const r = textMultiResults(['a', 'b'], [0.9, 0.1, 0.15, 0.1], [1, 0, 0, 1], [0.1, 1.5], ['x', 'y'], 0.2);
    expect(r.kind).toBe('multi');
    expect(r.accuracy).toBeCloseTo(3 / 4);
    expect(r.perTag.map((t) => [t.support, t.predicted])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(r.topLosses[0]).toMatchObject({ text: 'y', actual: 'b', predicted: '' });
    expect(r.confidentMistakes.map((m) => m.text)).toEqual(['y']);
    expect(r.sweep.length).toBeGreaterThan(5);
    expect(r.best?.thresh).toBeLessThanOrEqual(0.1);
  });
});
