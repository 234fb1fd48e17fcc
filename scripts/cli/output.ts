import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BundleFiles } from '../../src/core/project/bundle';
import type { StudioManifest } from '../../src/core/project/manifest';
import type { Learner } from '../../src/core/train/learner';
import type { EpochRecord } from '../../src/core/train/recorder';
import { learnerBundle } from '../../src/core/project/learnerBundle';

/** fastai's names for the final row: epochs trained, both losses and every metric. */
export type FinalMetrics = Readonly<Record<string, number>> & { readonly epochs: number; readonly train_loss: number; readonly valid_loss: number };

/**
 * The final metrics from the last epoch row, in the order fastai prints them.
 * @example finalMetrics(rows) // { epochs: 1, train_loss: 0.38, valid_loss: 0.22, error_rate: 0.06, accuracy: 0.94 }
 */
export function finalMetrics(history: readonly EpochRecord[]): FinalMetrics {
  const last = history.at(-1);
  if (!last) return { epochs: 0, train_loss: NaN, valid_loss: NaN };
  return { epochs: history.length, train_loss: last.trainLoss, valid_loss: last.validLoss, ...last.metrics };
}

/**
 * Writes the studio's export bundle into `dir`: `model.json` + `weights.bin` (tfjs layers format,
 * serialized through `tf.io.withSaveHandler`), `studio.json`, a README and, for single-label,
 * Teachable Machine's `metadata.json`. Returns the paths written.
 */
export async function writeBundle(dir: string, learn: Learner, manifest: StudioManifest): Promise<string[]> {
  const files: BundleFiles = await learnerBundle(learn, manifest);
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return path;
  });
}
