/**
 * Checks that JSON read from a project file is a `DataBlockSpec`, naming the field at fault.
 * Unknown extra fields are kept (a newer studio may add some); missing or mistyped ones are not.
 */
import type { DataBlockSpec } from '../data/types';
import { FieldError, asBoolean, asNumber, asObject, asOneOf, asSize, asString, optional, type JsonObject } from './validate';

function checkItems(v: unknown, f: string): void {
  const o = asObject(v, f);
  const kind = asOneOf(o.kind, `${f}.kind`, ['folder', 'csv']);
  optional(o.folder, `${f}.folder`, asString);
  if (kind === 'csv') {
    asString(o.csvPath, `${f}.csvPath`, true);
    asString(o.fileColumn, `${f}.fileColumn`, true);
    optional(o.suffix, `${f}.suffix`, asString);
  }
}

function checkLabel(v: unknown, f: string): void {
  const o = asObject(v, f);
  const kind = asOneOf(o.kind, `${f}.kind`, ['parentFolder', 'csvColumn', 'regex', 'mask', 'points']);
  const str = (key: string) => asString(o[key], `${f}.${key}`, true);
  switch (kind) {
    case 'csvColumn':
      str('column');
      optional(o.separator, `${f}.separator`, asString);
      break;
    case 'regex':
      str('pattern');
      break;
    case 'mask':
      str('template');
      str('codesPath');
      optional(o.voidCode, `${f}.voidCode`, asString);
      break;
    case 'points':
      str('xColumn');
      str('yColumn');
      break;
  }
}

function checkSplit(v: unknown, f: string): void {
  const o = asObject(v, f);
  const kind = asOneOf(o.kind, `${f}.kind`, ['folder', 'random', 'csvColumn']);
  if (kind === 'folder') {
    asString(o.train, `${f}.train`, true);
    asString(o.valid, `${f}.valid`, true);
  } else if (kind === 'random') {
    asNumber(o.validPct, `${f}.validPct`, { min: 0, max: 1 });
    asNumber(o.seed, `${f}.seed`);
  } else {
    asString(o.column, `${f}.column`, true);
  }
}

function checkTransforms(v: unknown, f: string): void {
  const o = asObject(v, f);
  asSize(o.size, `${f}.size`);
  asOneOf(o.resize, `${f}.resize`, ['crop', 'squish', 'pad']);
  asBoolean(o.flip, `${f}.flip`);
  asBoolean(o.flipVert, `${f}.flipVert`);
  asNumber(o.maxRotate, `${f}.maxRotate`, { min: 0 });
  asNumber(o.maxZoom, `${f}.maxZoom`, { min: 1 });
  asNumber(o.maxLighting, `${f}.maxLighting`, { min: 0, max: 1 });
  asNumber(o.maxWarp, `${f}.maxWarp`, { min: 0, max: 1 });
  asNumber(o.pAffine, `${f}.pAffine`, { min: 0, max: 1 });
  asNumber(o.pLighting, `${f}.pLighting`, { min: 0, max: 1 });
}

/**
 * The spec, once every field it needs is present and of the right kind.
 * @throws FieldError naming the field, e.g. `spec.transforms.size`
 * @example const spec = checkSpec(json.spec); // or a FieldError for "spec.label.kind"
 */
export function checkSpec(v: unknown, field = 'spec'): DataBlockSpec {
  const o: JsonObject = asObject(v, field);
  if (o.version !== 1) throw new FieldError(`${field}.version`, `must be 1, the only data block version, got ${JSON.stringify(o.version) ?? 'nothing'}`);
  checkItems(o.items, `${field}.items`);
  checkLabel(o.label, `${field}.label`);
  checkSplit(o.split, `${field}.split`);
  checkTransforms(o.transforms, `${field}.transforms`);
  const batch = asObject(o.batch, `${field}.batch`);
  asNumber(batch.batchSize, `${field}.batch.batchSize`, { int: true, min: 1 });
  asNumber(batch.seed, `${field}.batch.seed`);
  asOneOf(asObject(o.normalize, `${field}.normalize`).kind, `${field}.normalize.kind`, ['imagenet', 'data', 'none']);
  return o as unknown as DataBlockSpec;
}
