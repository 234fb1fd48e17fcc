/**
 * The data sets of the quality table: the four built-in samples (built by `npm run samples`)
 * and the harder sets cut from Fashion-MNIST (written under bench/.cache/quality on first use).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARDER_SETS } from '../../scripts/quality/harderSets';

/** One set: where its files are and what it probes. */
export interface QualitySet {
  readonly name: string;
  /** What makes it hard, in a few words, for the table. */
  readonly what: string;
  /** Its folder, written first when it is a generated set. */
  readonly folder: (cacheDir: string) => string;
  /** Fewer seeds for a set that trains its whole network each run (no fast path). */
  readonly maxSeeds?: number;
}

/** A sample built by `npm run samples`. */
function sample(name: string, what: string): QualitySet {
  return {
    name,
    what,
    folder: () => {
      const dir = join('public', 'samples', name);
      if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm run samples first`);
      return dir;
    },
  };
}

/** A set from harderSets.ts, written once under the cache folder (seed 0: the same bytes each time). */
function harder(name: string, what: string): QualitySet {
  return {
    name,
    what,
    folder: (cacheDir) => {
      const dir = join(cacheDir, name);
      // The marker is written last, so an interrupted write is redone next time.
      const done = join(dir, '.complete');
      if (!existsSync(done)) {
        rmSync(dir, { recursive: true, force: true });
        HARDER_SETS[name](dir, 0);
        writeFileSync(done, '');
      }
      return dir;
    },
  };
}

/** Every set, in the table's order. */
export const QUALITY_SETS: readonly QualitySet[] = [
  sample('mnist_tiny', 'sample: 2 digits, 28 px'),
  sample('planet_tiny', 'sample: 10 tags, 64 px tiles'),
  sample('headpose_tiny', 'sample: one point'),
  harder('fashion10', 'more classes: 10, 50 each'),
  harder('fashion_small', 'small data: 5 look-alike tops, 8 each'),
  harder('fashion_imbalanced', 'imbalance: 240 / 60 / 20 / 8'),
  harder('fashion_busy', 'busy backgrounds and clutter, 64 px colour'),
  harder('fashion_large', 'larger pictures: 128 px (trained at the default 64), 3 look-alike tops'),
  harder('fashion_tags', 'multi-label: 10 tags on 2x2 tiles'),
  // A U-Net from scratch trains every layer in every run: one seed keeps the table under an hour on 2 cores.
  { ...sample('camvid_tiny', 'sample: masks, 12 codes') },
];
