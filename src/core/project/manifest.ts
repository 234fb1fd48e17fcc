/**
 * `studio.json`: the versioned manifest of a project (fastai's export keeps the same things in
 * its pickle): what the model predicts, how to feed it, how it was built and trained. Weights
 * live beside it in tfjs's `model.json` + `weights.bin`.
 */
import { taskOf } from '../data/labels';
import type { SizeSpec } from '../data/sizeSpec';
import type { DataBlockSpec, Stats, Task } from '../data/types';
import type { LayerGroupNames } from '../model/types';
import type { EpochRecord } from '../train/recorder';
import { checkSpec } from './specCheck';
import { FieldError, asArray, asJson, asNumber, asNumberOrNaN, asNumberRecord, asObject, asOneOf, asSize, asString, optional, type JsonObject, type JsonValue } from './validate';

/** The `format` tag of every studio manifest. */
export const MANIFEST_FORMAT = 'image-studio';
/** The manifest version this studio writes; older ones are migrated on read. */
export const MANIFEST_VERSION = 1;

/** Plain JSON that rebuilds the architecture, e.g. `{ name: 'smallCnn', channels: [8, 16] }`. */
export interface ArchDescription {
  readonly name: string;
  readonly [option: string]: JsonValue;
}

/** Version 1 of `studio.json`. */
export interface StudioManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  readonly task: Task;
  /** Class names (single, multi), codes in `codes.txt` order (segmentation), empty for points. */
  readonly classes: readonly string[];
  /** Index of the void code in `classes`, else -1. */
  readonly voidIndex: number;
  /** The input size the model was last trained on: a side (square) or `[height, width]`. */
  readonly inputSize: SizeSpec;
  /** Per-channel statistics on the 0..1 scale: the model takes (pixel / 255 - mean) / std. */
  readonly normalize: Stats;
  readonly spec: DataBlockSpec;
  readonly arch: ArchDescription;
  /** Layer names of each group, body first and head last (discriminative lrs, freezing). */
  readonly layerGroups: LayerGroupNames;
  readonly history: readonly EpochRecord[];
  /** The last validation metrics, by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Multi-label decision threshold on sigmoid outputs. */
  readonly threshold?: number;
  /** ISO 8601 time of export. */
  readonly createdAt: string;
}

/** What `makeManifest` needs; metrics default to the last epoch's, the threshold to 0.2 for multi-label. */
export type ManifestInput = Omit<StudioManifest, 'format' | 'version' | 'createdAt' | 'metrics'> & {
  readonly metrics?: Readonly<Record<string, number>>;
  readonly createdAt?: string | Date;
};

/** A manifest read from a file, or why it could not be. */
export type ManifestResult = { readonly manifest: StudioManifest } | { readonly error: string; readonly field?: string };

/** Turns the manifest of version `n` (the key) into version `n + 1`. */
export type Migration = (old: JsonObject) => JsonObject;

/** Every migration, by the version it upgrades from; none yet, since 1 is the first version. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * A complete, checked manifest.
 * @throws Error naming the field when the input is inconsistent (e.g. voidIndex past the classes)
 * @example const m = makeManifest({ task: 'single', classes: ['3', '7'], voidIndex: -1, inputSize: 28, normalize, spec, arch: { name: 'smallCnn' }, layerGroups, history });
 */
export function makeManifest(input: ManifestInput): StudioManifest {
  const { createdAt, metrics, threshold, ...rest } = input;
  const manifest: StudioManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    ...rest,
    metrics: metrics ?? input.history[input.history.length - 1]?.metrics ?? {},
    ...(threshold !== undefined || input.task === 'multi' ? { threshold: threshold ?? 0.2 } : {}),
    createdAt: createdAt instanceof Date ? createdAt.toISOString() : (createdAt ?? new Date().toISOString()),
  };
  const checked = parseManifest(manifest);
  if ('error' in checked) throw new Error(checked.error);
  return manifest;
}

/** The manifest as `studio.json` text; NaN (an epoch without validation) is written as null. */
export function manifestToJson(manifest: StudioManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Reads `studio.json` (text or parsed JSON): migrates older versions, then checks every field.
 * @example const r = parseManifest(text); if ('error' in r) show(r.error); else use(r.manifest);
 */
export function parseManifest(json: unknown): ManifestResult {
  let raw = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      return { error: `studio.json is not valid JSON: ${(e as Error).message}` };
    }
  }
  try {
    return { manifest: checkManifest(migrate(asObject(raw, 'studio.json'))) };
  } catch (e) {
    if (e instanceof FieldError) return { error: `studio.json: ${e.message}.`, field: e.field };
    throw e;
  }
}

/**
 * Brings a manifest up to `target` (the current version), one migration at a time.
 * @throws FieldError on `format` or `version` when the file is not a manifest this studio can read
 */
export function migrate(raw: JsonObject, migrations: Readonly<Record<number, Migration>> = MIGRATIONS, target = MANIFEST_VERSION): JsonObject {
  if (raw.format !== MANIFEST_FORMAT) {
    throw new FieldError('format', `must be "${MANIFEST_FORMAT}", got ${JSON.stringify(raw.format) ?? 'nothing'}: this is not an Image Studio project`);
  }
  let m = raw;
  let version = asNumber(m.version, 'version', { int: true, min: 1 });
  if (version > target) {
    throw new FieldError('version', `is ${version}, but this studio reads versions up to ${target}: the project was saved by a newer studio`);
  }
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new FieldError('version', `is ${version}, and there is no migration from it to version ${version + 1}`);
    m = step(m);
    version += 1;
    if (m.version !== version) throw new FieldError('version', `should be ${version} after migrating, got ${JSON.stringify(m.version)}`);
  }
  return m;
}

function checkStats(v: unknown, f: string): Stats {
  const o = asObject(v, f);
  const triple = (x: unknown, g: string, min: number) => {
    const a = asArray(x, g, (n, h) => asNumber(n, h, { min }));
    if (a.length !== 3) throw new FieldError(g, `must hold 3 numbers (R, G, B), got ${a.length}`);
    return a as unknown as readonly [number, number, number];
  };
  // A zero std would divide by zero; 1e-8 is far below any real pixel spread.
  return { mean: triple(o.mean, `${f}.mean`, -Infinity), std: triple(o.std, `${f}.std`, 1e-8) };
}

function checkEpoch(v: unknown, f: string): EpochRecord {
  const o = asObject(v, f);
  return {
    fit: asNumber(o.fit, `${f}.fit`, { int: true, min: 0 }),
    epoch: asNumber(o.epoch, `${f}.epoch`, { int: true, min: 0 }),
    trainLoss: asNumberOrNaN(o.trainLoss, `${f}.trainLoss`),
    validLoss: asNumberOrNaN(o.validLoss, `${f}.validLoss`),
    metrics: asNumberRecord(o.metrics, `${f}.metrics`),
    seconds: asNumberOrNaN(o.seconds, `${f}.seconds`),
  };
}

function checkClasses(v: unknown, task: Task): string[] {
  const classes = asArray(v, 'classes', (x, f) => asString(x, f, true));
  if (task !== 'points' && classes.length === 0) throw new FieldError('classes', `must name at least one class for a ${task} task`);
  const seen = new Set<string>();
  for (const c of classes) {
    if (seen.has(c) && task !== 'segmentation') throw new FieldError('classes', `holds "${c}" twice`);
    seen.add(c);
  }
  return classes;
}

/** Every field of a current-version manifest, read back with NaN restored. */
function checkManifest(o: JsonObject): StudioManifest {
  if (o.kind === 'text') throw new FieldError('kind', 'is "text": this is a text classifier, which the studio does not import yet (its model.json loads with tf.loadLayersModel; its README shows how)');
  const task = asOneOf(o.task, 'task', ['single', 'multi', 'segmentation', 'points']);
  const spec = checkSpec(o.spec, 'spec');
  if (taskOf(spec.label) !== task) throw new FieldError('task', `is "${task}" but spec.label (kind "${spec.label.kind}") makes a "${taskOf(spec.label)}" task`);
  const classes = checkClasses(o.classes, task);
  const arch = asJson(asObject(o.arch, 'arch'), 'arch') as ArchDescription;
  asString(arch.name, 'arch.name', true);
  const createdAt = asString(o.createdAt, 'createdAt');
  if (!Number.isFinite(Date.parse(createdAt))) throw new FieldError('createdAt', `must be an ISO date, got ${JSON.stringify(createdAt)}`);
  const threshold = optional(o.threshold, 'threshold', (x, f) => asNumber(x, f, { min: 0, max: 1 }));
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    task,
    classes,
    voidIndex: asNumber(o.voidIndex, 'voidIndex', { int: true, min: -1, max: classes.length - 1 }),
    inputSize: asSize(o.inputSize, 'inputSize'),
    normalize: checkStats(o.normalize, 'normalize'),
    spec,
    arch,
    layerGroups: asArray(o.layerGroups, 'layerGroups', (g, f) => asArray(g, f, (n, h) => asString(n, h, true))),
    history: asArray(o.history, 'history', checkEpoch),
    metrics: asNumberRecord(o.metrics, 'metrics'),
    ...(threshold === undefined ? {} : { threshold }),
    createdAt,
  };
}
