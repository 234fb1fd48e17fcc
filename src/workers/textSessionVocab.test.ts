/**
 * The text data block next to the shipped language model: a word the model knows enters the
 * vocabulary from one occurrence (its row is already learnt), which lowers the unknown-word rate;
 * when the model cannot be loaded, the block is built as without it.
 */
import { describe, expect, it } from 'vitest';
import { readFolder } from '../io/node/nodeFiles';
import { readPretrainedLm } from '../io/node/textLm';
import { TEXT_DEFAULTS } from '../core/text/textData';
import { OneAtATime } from './sessionParts';
import { TextSession } from './textSession';

const SPEC = { source: { kind: 'folder' }, ...TEXT_DEFAULTS } as const;

describe('TextSession.setData with the pretrained language model', () => {
  it('keeps the words the pretrained model knows from one occurrence, and falls back when it cannot be loaded', async () => {
    const files = readFolder('public/samples/reviews_tiny');
    const pre = readPretrainedLm();
    const session = (load: () => Promise<typeof pre>) => new TextSession(new OneAtATime(), () => {}, load);
    const plain = await session(async () => pre).setData(SPEC, files);
    const withLm = await session(async () => pre).setData(SPEC, files, 0, 'shipped');
    const offline = await session(() => Promise.reject(new Error('offline'))).setData(SPEC, files, 0, 'shipped');
    // 600 one-sentence reviews: most of their words occur once.
    expect(withLm.vocabSize).toBeGreaterThan(1.5 * plain.vocabSize);
    expect(withLm.unkValid).toBeLessThan(plain.unkValid);
    expect(offline.vocabSize).toBe(plain.vocabSize);
  });
});
