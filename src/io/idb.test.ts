import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbDelete, idbGet, idbKeys, idbPut } from './idb';

describe('idb', () => {
  it('stores, lists and deletes values, bytes included', async () => {
    const weights = Uint8Array.from([1, 2, 3]);
    await idbPut('checkpoints', 'stage-2', { name: 'stage-2', files: { 'weights.bin': weights } });
    await idbPut('checkpoints', 'stage-1', { name: 'stage-1', files: {} });
    expect(await idbKeys('checkpoints')).toEqual(['stage-1', 'stage-2']);
    const back = await idbGet<{ files: Record<string, Uint8Array> }>('checkpoints', 'stage-2');
    expect(Array.from(back!.files['weights.bin'])).toEqual([1, 2, 3]);
    await idbDelete('checkpoints', 'stage-2');
    expect(await idbKeys('checkpoints')).toEqual(['stage-1']);
    expect(await idbGet('notebook', 'current')).toBeUndefined();
  });
});
