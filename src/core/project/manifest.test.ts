import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../data/infer';
import type { DataBlockSpec } from '../data/types';
import { MANIFEST_VERSION, makeManifest, manifestToJson, migrate, parseManifest } from './manifest';
import { checkSpec } from './specCheck';
import { sampleInput } from './testing/fixtures';

/** The manifest as parsed JSON, with `edit` applied, for breaking one field at a time. */
function jsonWith(edit: (m: Record<string, unknown>) => void): Record<string, unknown> {
  const m = JSON.parse(manifestToJson(makeManifest(sampleInput()))) as Record<string, unknown>;
  edit(m);
  return m;
}

function errorOf(json: unknown): { error: string; field?: string } {
  const r = parseManifest(json);
  if (!('error' in r)) throw new Error('expected an error');
  return r;
}

describe('makeManifest', () => {
  it('fills format, version, final metrics; multi-label gets the 0.2 threshold', () => {
    const m = makeManifest(sampleInput());
    expect(m.format).toBe('image-studio');
    expect(m.version).toBe(MANIFEST_VERSION);
    expect(m.metrics).toEqual({ accuracy: 0.9 });
    expect(m.threshold).toBeUndefined();
    const multiSpec: DataBlockSpec = { ...DEFAULT_SPEC, label: { kind: 'csvColumn', column: 'tags', separator: ' ' } };
    expect(makeManifest(sampleInput({ task: 'multi', spec: multiSpec })).threshold).toBe(0.2);
  });

  it('throws, naming the field, on inconsistent input', () => {
    expect(() => makeManifest(sampleInput({ voidIndex: 2 }))).toThrow(/"voidIndex"/);
    expect(() => makeManifest(sampleInput({ task: 'segmentation' }))).toThrow(/"task" is "segmentation" but spec.label/);
  });
});

describe('parseManifest', () => {
  it('round-trips through JSON text, NaN written as null and read back', () => {
    const m = makeManifest(sampleInput());
    const text = manifestToJson(m);
    expect(text).toContain('"validLoss": null');
    const r = parseManifest(text);
    expect('manifest' in r && r.manifest).toEqual(m);
    if ('manifest' in r) expect(r.manifest.history[1].validLoss).toBeNaN();
  });

  it('keeps a rectangular size as [height, width] through JSON', () => {
    const input = sampleInput();
    const m = makeManifest({ ...input, inputSize: [120, 160], spec: { ...input.spec, transforms: { ...input.spec.transforms, size: [120, 160] } } });
    const r = parseManifest(manifestToJson(m));
    expect('manifest' in r && [r.manifest.inputSize, r.manifest.spec.transforms.size]).toEqual([
      [120, 160],
      [120, 160],
    ]);
  });

  it('rejects other versions and other formats clearly', () => {
    expect(errorOf(jsonWith((m) => (m.version = 2))).error).toMatch(/"version" is 2, but this studio reads versions up to 1: .*newer studio/);
    expect(errorOf(jsonWith((m) => (m.version = 0))).field).toBe('version');
    expect(errorOf(jsonWith((m) => delete m.version)).error).toMatch(/"version" is missing/);
    expect(errorOf(jsonWith((m) => (m.format = 'keras'))).error).toMatch(/"format" must be "image-studio", got "keras"/);
    expect(errorOf('{ not json').error).toMatch(/studio.json is not valid JSON/);
    expect(errorOf([]).error).toMatch(/"studio.json" must be an object/);
  });

  it('names the missing or wrong field', () => {
    const cases: [(m: Record<string, unknown>) => void, string][] = [
      [(m) => delete m.inputSize, 'inputSize'],
      [(m) => (m.classes = []), 'classes'],
      [(m) => (m.classes = ['a', 'a']), 'classes'],
      [(m) => ((m.normalize as { std: number[] }).std = [1, 1]), 'normalize.std'],
      [(m) => ((m.normalize as { std: number[] }).std = [1, 0, 1]), 'normalize.std[1]'],
      [(m) => ((m.spec as { label: unknown }).label = { kind: 'guess' }), 'spec.label.kind'],
      [(m) => ((m.spec as { transforms: { size: unknown } }).transforms.size = '64'), 'spec.transforms.size'],
      [(m) => ((m.spec as { transforms: { size: unknown } }).transforms.size = [120, 0]), 'spec.transforms.size[1]'],
      [(m) => ((m.spec as { transforms: { size: unknown } }).transforms.size = [1, 2, 3]), 'spec.transforms.size'],
      [(m) => (m.inputSize = [120]), 'inputSize'],
      [(m) => ((m.history as { validLoss: unknown }[])[0].validLoss = 'low'), 'history[0].validLoss'],
      [(m) => (m.layerGroups = [['a', 3]]), 'layerGroups[0][1]'],
      [(m) => (m.arch = { channels: [8] }), 'arch.name'],
      [(m) => (m.createdAt = 'yesterday'), 'createdAt'],
      [(m) => (m.task = 'points'), 'task'],
    ];
    for (const [edit, field] of cases) {
      const e = errorOf(jsonWith(edit));
      expect(e.field).toBe(field);
      expect(e.error).toContain(`"${field}"`);
    }
  });
});

describe('migrate and checkSpec', () => {
  it('runs each migration in turn up to the target version', () => {
    const v1 = { format: 'image-studio', version: 1, a: 1 };
    const up = { 1: (m: Record<string, unknown>) => ({ ...m, version: 2, b: 2 }) };
    expect(migrate(v1, up, 2)).toEqual({ format: 'image-studio', version: 2, a: 1, b: 2 });
    expect(() => migrate(v1, {}, 2)).toThrow(/no migration from it to version 2/);
    expect(migrate(v1)).toBe(v1);
  });

  it('accepts the default spec and keeps unknown extra fields', () => {
    expect(checkSpec({ ...DEFAULT_SPEC, extra: true })).toMatchObject(DEFAULT_SPEC);
    expect(() => checkSpec({ ...DEFAULT_SPEC, version: 2 })).toThrow(/"spec.version" must be 1/);
    expect(() => checkSpec({ ...DEFAULT_SPEC, split: { kind: 'random', validPct: 20, seed: 1 } })).toThrow(/"spec.split.validPct" must be a number from 0 to 1, got 20/);
  });
});
