import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataLoaders } from '../../src/core/data/batch';
import type { DataBlockSpec } from '../../src/core/data/types';
import { groupNames } from '../../src/core/model/types';
import { makeBundle, type BundleFiles } from '../../src/core/project/bundle';
import { makeManifest, type ArchDescription, type StudioManifest } from '../../src/core/project/manifest';
import type { Learner } from '../../src/core/train/learner';
import type { EpochRecord } from '../../src/core/train/recorder';
import type { ArchSpec } from '../../src/workers/protocol';

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
 * The manifest's plain-JSON architecture: the worker's `ArchSpec` with `kind` as `name`.
 * @example archDescription({ kind: 'xresnet', depth: 'tiny' }) // { name: 'xresnet', depth: 'tiny' }
 */
export function archDescription(arch: ArchSpec): ArchDescription {
  const { kind, ...options } = arch;
  // Dropped File objects are not JSON; a URL-less pretrained spec only arises in the browser.
  const plain = Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'files'));
  return { name: kind, ...plain } as ArchDescription;
}

/** `studio.json` for a trained learner, through the project module so the studio can import it. */
export function cliManifest(learn: Learner, dls: DataLoaders, spec: DataBlockSpec, arch: ArchSpec): StudioManifest {
  return makeManifest({
    task: dls.task,
    classes: dls.classes,
    voidIndex: dls.voidIndex,
    inputSize: dls.size,
    normalize: dls.stats,
    spec,
    arch: archDescription(arch),
    layerGroups: groupNames(learn.grouped),
    history: learn.recorder.epochs,
  });
}

/**
 * Writes the studio's export bundle into `dir`: `model.json` + `weights.bin` (tfjs layers format,
 * serialized through `tf.io.withSaveHandler`), `studio.json`, a README and, for single-label,
 * Teachable Machine's `metadata.json`. Returns the paths written.
 */
export async function writeBundle(dir: string, learn: Learner, manifest: StudioManifest): Promise<string[]> {
  const files: BundleFiles = makeBundle(await learn.save(), manifest, { modelName: manifest.arch.name });
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  });
}
