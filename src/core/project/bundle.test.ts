import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../data/infer';
import { BUNDLE_FILES, makeBundle, readBundle, type BundleFiles } from './bundle';
import { makeManifest, type StudioManifest } from './manifest';
import { sampleInput } from './testing/fixtures';
import { predictions, savedArtifacts as saved, servedFrom } from './testing/models';
import { bundleFromEntries, unzipBundle, zipBundle } from './zip';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** A tiny conv net with batch norm, so non-trainable weights travel too. */
function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const bn = tf.layers.batchNormalization({ movingMeanInitializer: 'ones' }).apply(conv);
  const flat = tf.layers.flatten().apply(bn);
  const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('exported bundle', () => {
  let model: tf.LayersModel;
  let artifacts: tf.io.ModelArtifacts;
  let manifest: StudioManifest;
  let x: tf.Tensor;
  let expected: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = tinyModel();
    artifacts = await saved(model);
    manifest = makeManifest(sampleInput());
    x = tf.randomUniform([3, 4, 4, 3], 0, 1, 'float32', 5);
    expected = await predictions(model, x);
  });

  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it('writes model.json in the layers format tf.loadLayersModel expects', () => {
    const files = makeBundle(artifacts, manifest);
    // Without a Teachable Machine copy (teachable.test.ts covers it) the root is all there is.
    expect(Object.keys(files).sort()).toEqual(['README.md', 'model.json', 'studio.json', 'weights.bin']);
    const mj = JSON.parse(text(files['model.json']));
    expect(mj.format).toBe('layers-model');
    expect(mj.generatedBy).toMatch(/TensorFlow\.js/);
    expect(mj.convertedBy).toBeNull();
    expect(mj.modelTopology.class_name).toBe('Model');
    expect(mj.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]);
    expect(files['weights.bin'].byteLength).toBe(tf.io.CompositeArrayBuffer.join(artifacts.weightData).byteLength);
  });

  it('zip -> unzip -> readBundle -> tf.loadLayersModel predicts exactly the same', async () => {
    const back = readBundle(unzipBundle(zipBundle(makeBundle(artifacts, manifest))));
    if ('error' in back) throw new Error(back.error);
    expect(back.manifest).toEqual(manifest);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(back.artifacts));
    expect(await predictions(loaded, x)).toEqual(expected);
    loaded.dispose();
  });

  it('model.json and weights.bin alone load as plain tfjs loads files from a URL', async () => {
    const files = makeBundle(artifacts, manifest);
    const only = { 'model.json': files['model.json'], 'weights.bin': files['weights.bin'] };
    const base = 'http://localhost/my_model/';
    const loaded = await tf.loadLayersModel(`${base}model.json`, { fetchFunc: servedFrom(only, base) });
    expect(await predictions(loaded, x)).toEqual(expected);
    loaded.dispose();
  });

  it('unzips a bundle inside one top folder, ignoring macOS litter', () => {
    const files = makeBundle(artifacts, manifest);
    const zipped = zipBundle(files, { folder: 'mnist_model', mtime: new Date('2025-01-01') });
    const withLitter = unzipBundle(zipped);
    expect(Object.keys(withLitter).sort()).toEqual(Object.keys(files).sort());
    const handMade = zipSync({ 'export/': new Uint8Array(0), 'export/model.json': files['model.json'], '__MACOSX/export/._model.json': new Uint8Array(3), 'export/.DS_Store': new Uint8Array(2) });
    expect(Object.keys(unzipBundle(handMade))).toEqual(['model.json']);
    expect(() => unzipBundle(new Uint8Array([1, 2, 3]))).toThrow(/not a readable zip/);
  });

  it('README spells out input, normalization and labels', () => {
    const readme = text(makeBundle(artifacts, manifest)['README.md']);
    expect(readme).toContain('28 x 28 pixels');
    expect(readme).toContain('mean (R, G, B) = [0.485, 0.456, 0.406]');
    expect(readme).toContain('const CLASSES = ["3","7"];');
    expect(readme).toContain("tf.loadLayersModel('model.json')");
    // No teachable-machine/ folder in this bundle, so the README does not send anyone there.
    expect(readme).not.toContain('teachable-machine/');
    expect(makeBundle(artifacts, manifest)[BUNDLE_FILES.metadata]).toBeUndefined();
  });

  it('segmentation README names the void code', () => {
    const spec = { ...DEFAULT_SPEC, label: { kind: 'mask' as const, template: 'labels/{name}_P{ext}', codesPath: 'codes.txt', voidCode: 'Void' } };
    const seg = makeManifest(sampleInput({ task: 'segmentation', spec, classes: ['Void', 'Road'], voidIndex: 0 }));
    expect(text(makeBundle(artifacts, seg)['README.md'])).toContain('0. Void (void: ignored by the metrics)');
  });

  it('readBundle names the missing file or field', () => {
    const files = makeBundle(artifacts, manifest);
    const without = (name: string) => Object.fromEntries(Object.entries(files).filter(([k]) => k !== name));
    const err = (f: BundleFiles) => {
      const r = readBundle(f);
      return 'error' in r ? r.error : 'no error';
    };
    expect(err(without('model.json'))).toMatch(/^model.json is missing/);
    expect(err(without('weights.bin'))).toMatch(/^weights.bin, named in model.json's weightsManifest, is missing/);
    expect(err(without('studio.json'))).toMatch(/^studio.json is missing/);
    expect(err({ ...files, 'weights.bin': files['weights.bin'].slice(0, 8) })).toMatch(/hold 8 bytes but .* describes \d+/);
    expect(err({ ...files, 'model.json': new TextEncoder().encode('{"weightsManifest": []}') })).toMatch(/"modelTopology"/);
    const badManifest = JSON.parse(text(files['studio.json']));
    delete badManifest.classes;
    expect(err({ ...files, 'studio.json': new TextEncoder().encode(JSON.stringify(badManifest)) })).toMatch(/studio.json: "classes" is missing/);
  });
});

describe('bundleFromEntries', () => {
  it('strips one top folder and keeps subfolders apart from the root', () => {
    const [a, b, c] = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)];
    expect(bundleFromEntries({ 'studio-x/model.json': a, 'studio-x/teachable-machine/model.json': b, 'studio-x\\README.md': c })).toEqual({ 'model.json': a, 'teachable-machine/model.json': b, 'README.md': c });
    expect(bundleFromEntries({ 'model.json': a, 'teachable-machine/model.json': b })).toEqual({ 'model.json': a, 'teachable-machine/model.json': b });
  });
});
