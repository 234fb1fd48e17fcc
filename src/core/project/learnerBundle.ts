import type { DataLoaders } from '../data/batch';
import type { DataBlockSpec } from '../data/types';
import type { ArchSpec } from '../model/archSpec';
import { groupNames } from '../model/types';
import { makeBundle, type BundleFiles } from './bundle';
import { makeManifest, type ArchDescription, type StudioManifest } from './manifest';
import { float16Artifacts } from './float16';
import { teachableArtifacts } from './teachable';
import { sameSize, sidesOf, sizeFromSides } from '../data/sizeSpec';
import type { Learner } from '../train/learner';

/**
 * The manifest's plain-JSON architecture: the `ArchSpec` with `kind` as `name`.
 * @example archDescription({ kind: 'xresnet', depth: 'tiny' }) // { name: 'xresnet', depth: 'tiny' }
 */
export function archDescription(arch: ArchSpec): ArchDescription {
  const { kind, ...options } = arch;
  // Dropped File objects are not JSON; the manifest keeps where the backbone came from by name.
  const plain = Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'files'));
  const files = 'files' in arch && arch.files?.length ? { files: arch.files.map((f) => f.name) } : {};
  return { name: kind, ...plain, ...files } as ArchDescription;
}

/**
 * The inverse of `archDescription` for an imported bundle. A backbone that came from dropped files
 * cannot be read again; the imported weights do not need it, so only its name is kept in the URL.
 * @example archFromDescription({ name: 'xresnet', depth: 'tiny' }) // { kind: 'xresnet', depth: 'tiny' }
 */
export function archFromDescription(d: ArchDescription): ArchSpec {
  const { name, files: _files, ...options } = d;
  return { kind: name, ...options } as unknown as ArchSpec;
}

/** `studio.json` for a trained learner: what the studio, the command line and import agree on. */
export function learnerManifest(learn: Learner, dls: DataLoaders, spec: DataBlockSpec, arch: ArchSpec, threshold?: number): StudioManifest {
  return makeManifest({
    task: dls.task,
    classes: dls.classes,
    voidIndex: dls.voidIndex,
    inputSize: sizeFromSides(dls),
    normalize: dls.stats,
    spec,
    arch: archDescription(arch),
    layerGroups: groupNames(learn.grouped),
    history: learn.recorder.epochs,
    ...(dls.task === 'multi' && threshold !== undefined ? { threshold } : {}),
  });
}

/**
 * The export bundle of a learner: model.json, weights.bin, studio.json, README.md and, for
 * single-label unless `teachable` is false, the `teachable-machine/` copy (model, weights, TM
 * metadata). Autosaves can skip that copy: it doubles the weights and import never reads it.
 */
export async function learnerBundle(learn: Learner, manifest: StudioManifest, opts: ExportOptions = {}): Promise<BundleFiles> {
  const artifacts = await learn.save();
  // Teachable Machine apps crop a square picture, so a model trained on rectangles gets no TM copy.
  const square = sameSize(manifest.inputSize, sidesOf(manifest.inputSize).width);
  const tm = manifest.task === 'single' && square && opts.teachable !== false ? await teachableArtifacts(artifacts, manifest) : undefined;
  // Teachable Machine's copy stays float32, as TM itself writes it.
  return makeBundle(opts.float16 ? float16Artifacts(artifacts) : artifacts, manifest, { modelName: manifest.arch.name }, tm);
}

/** What goes into an export: Teachable Machine's copy (on by default), weights as float16 (half the download). */
export interface ExportOptions {
  readonly teachable?: boolean;
  readonly float16?: boolean;
}
