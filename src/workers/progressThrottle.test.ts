import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './protocol';
import { ProgressThrottle } from './progressThrottle';

describe('ProgressThrottle', () => {
  it('bundles batches so posts come at most every interval, losing no point', () => {
    let now = 0;
    const posts: ProgressEvent[] = [];
    const t = new ProgressThrottle(
      (e) => posts.push(e),
      125,
      () => now,
    );
    const where = { phase: 'train' as const, epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: 10 };
    for (let i = 0; i < 10; i++) {
      now += 50;
      t.add({ ...where, batch: i }, { lr: i, loss: i, smooth: i }, i === 9);
    }
    // at 150, 300, 450 ms, plus the forced last one at 500
    expect(posts.map((p) => p.losses.length)).toEqual([3, 3, 3, 1]);
    expect(posts.flatMap((p) => p.losses)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(posts.at(-1)!.batch).toBe(9);
  });

  it('flush posts the batches of a fit that ended mid-epoch (stopped or diverged)', () => {
    const now = 0;
    const posts: ProgressEvent[] = [];
    const t = new ProgressThrottle(
      (e) => posts.push(e),
      125,
      () => now,
    );
    const where = { phase: 'train' as const, epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: 10 };
    t.add(where, { lr: 1, loss: 0.5, smooth: 0.5 });
    t.add({ ...where, batch: 1 }, { lr: 1, loss: 900, smooth: 300 });
    expect(posts).toHaveLength(0);
    t.flush();
    expect(posts.flatMap((p) => p.losses)).toEqual([0.5, 900]);
    t.flush();
    expect(posts).toHaveLength(1);
  });
});
