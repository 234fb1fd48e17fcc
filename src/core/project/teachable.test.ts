import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../data/infer';
import type { Stats } from '../data/types';
import { smallCnn } from '../model/smallCnn';
import { BUNDLE_FILES, makeBundle, readBundle, type BundleFiles } from './bundle';
import { makeManifest, type StudioManifest } from './manifest';
import { TM_PIXEL_DIVISOR, teachableArtifacts, teachableMachineModel, tmToOurs } from './teachable';
import { sampleInput } from './testing/fixtures';
import { predictions, savedArtifacts, servedFrom } from './testing/models';
import { unzipBundle, zipBundle } from './zip';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const SIZE = 16;
const CLASSES = ['cat', 'dog', 'bird'];
const normalize: Stats = { mean: [0.3, 0.5, 0.7], std: [0.2, 0.25, 0.4] };
/** `(pixel / 255 - mean) / std`, the studio's own input. */
const studioInput = (pixels: tf.Tensor) =>
  tf.tidy(() =>
    pixels
      .div(255)
      .sub([...normalize.mean])
      .div([...normalize.std]),
  );

/** smallCnn with every weight random (batch-norm statistics too), so each layer matters. */
function trainedLike(): tf.LayersModel {
  const { model } = smallCnn(CLASSES.length, { channels: [4, 8], seed: 3 });
  tf.tidy(() =>
    model.setWeights(model.getWeights().map((w, i) => (/moving_variance/.test(model.weights[i].originalName) ? tf.randomUniform(w.shape, 0.5, 2, 'float32', i) : tf.randomNormal(w.shape, 0, 0.5, 'float32', i)))),
  );
  return model;
}

/** Artifacts for `tf.io.fromMemory` from a `model.json` and the files beside it, as a folder loader reads them. */
function artifactsAt(files: BundleFiles, modelPath: string): tf.io.ModelArtifacts {
  const dir = modelPath.slice(0, modelPath.lastIndexOf('/') + 1);
  const mj = JSON.parse(text(files[modelPath])) as tf.io.ModelJSON;
  const parts = mj.weightsManifest.flatMap((g) => g.paths.map((p) => files[dir + p]));
  expect(parts.every(Boolean), `weights of ${modelPath}`).toBe(true);
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((at, p) => (data.set(p, at), at + p.byteLength), 0);
  return tf.io.getModelArtifactsForJSONSync(mj, tf.io.getWeightSpecs(mj.weightsManifest), data.buffer);
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('Teachable Machine copy', () => {
  let model: tf.LayersModel;
  let artifacts: tf.io.ModelArtifacts;
  let tmArtifacts: tf.io.ModelArtifacts;
  let manifest: StudioManifest;
  let files: BundleFiles;
  let pixels: tf.Tensor4D;
  let expected: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = trainedLike();
    artifacts = await savedArtifacts(model);
    manifest = makeManifest(sampleInput({ classes: CLASSES, inputSize: SIZE, normalize }));
    tmArtifacts = await teachableArtifacts(artifacts, manifest);
    files = makeBundle(artifacts, manifest, { modelName: 'pets' }, tmArtifacts);
    // Whole-number pixels, as tf.browser.fromPixels gives them.
    pixels = tf.tidy(() => tf.randomUniform([4, SIZE, SIZE, 3], 0, 256, 'float32', 7).floor()) as tf.Tensor4D;
    // What our own model answers on the studio's input, turned into probabilities.
    const ours = studioInput(pixels);
    const logits = model.predict(ours) as tf.Tensor;
    expected = (await tf.softmax(logits).data()) as Float32Array;
    tf.dispose([ours, logits]);
  });

  afterAll(() => {
    model.dispose();
    pixels.dispose();
  });

  /** What `@teachablemachine/image`'s capture() feeds the model. */
  const tmInput = () => tf.tidy(() => pixels.div(TM_PIXEL_DIVISOR).sub(1));

  it('maps TM pixels to our normalization exactly', () => {
    const { scale, offset } = tmToOurs(normalize);
    for (const p of [0, 1, 127, 200, 255]) {
      for (let c = 0; c < 3; c++) {
        const tm = p / TM_PIXEL_DIVISOR - 1;
        expect(tm * scale[c] + offset[c]).toBeCloseTo((p / 255 - normalize.mean[c]) / normalize.std[c], 12);
      }
    }
  });

  it('writes teachable-machine/ beside the untouched root layout', () => {
    expect(Object.keys(files).sort()).toEqual(['README.md', 'model.json', 'studio.json', 'teachable-machine/metadata.json', 'teachable-machine/model.json', 'teachable-machine/weights.bin', 'weights.bin']);
    const mj = JSON.parse(text(files[BUNDLE_FILES.tmModel]));
    // Relative to its own model.json, as tfjs resolves it.
    expect(mj.weightsManifest.map((g: tf.io.WeightsManifestConfig[number]) => g.paths)).toEqual([['weights.bin']]);
    expect(mj.format).toBe('layers-model');
    const names = (tmArtifacts.weightSpecs ?? []).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['tm_normalize/depthwise_kernel', 'tm_normalize/bias', ...(artifacts.weightSpecs ?? []).map((s) => s.name)]));
  });

  it('loaded with tf.io.fromMemory, takes pixel / 127 - 1 and gives softmax of our model', async () => {
    const tm = await tf.loadLayersModel(tf.io.fromMemory(artifactsAt(files, BUNDLE_FILES.tmModel)));
    expect(tm.inputs[0].shape).toEqual([null, SIZE, SIZE, 3]);
    expect(tm.outputs[0].shape).toEqual([null, CLASSES.length]);
    const x = tmInput();
    const got = await predictions(tm, x);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
    // The divisor matters: fed pixel / 127.5 - 1, the answers drift by about 1e-3 here.
    const halfOff = tf.tidy(() => pixels.div(127.5).sub(1));
    expect(maxAbsDiff(await predictions(tm, halfOff), expected)).toBeGreaterThan(1e-4);
    halfOff.dispose();
    // Probabilities, not logits: each row sums to 1.
    for (let r = 0; r < 4; r++) expect(got.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    x.dispose();
    tm.dispose();
  });

  it('loads from a URL as tmImage.load does, with metadata.json beside it', async () => {
    const base = 'http://localhost/my_model/';
    const tm = await tf.loadLayersModel(`${base}teachable-machine/model.json`, { fetchFunc: servedFrom(files, base) });
    const x = tmInput();
    expect(maxAbsDiff(await predictions(tm, x), expected)).toBeLessThan(1e-5);
    x.dispose();
    tm.dispose();
    const meta = JSON.parse(text(files[BUNDLE_FILES.metadata]));
    expect(meta).toMatchObject({ modelName: 'pets', labels: CLASSES, imageSize: SIZE, tfjsVersion: tf.version.tfjs, timeStamp: manifest.createdAt });
    expect(typeof meta.packageVersion).toBe('string');
    expect(meta.userMetadata).toMatchObject({ task: 'single', output: 'softmax probabilities in labels order', normalize });
    expect(meta.userMetadata.input).toContain(`pixel / ${TM_PIXEL_DIVISOR} - 1`);
  });

  it('README explains both models with a sample each', () => {
    const readme = text(files[BUNDLE_FILES.readme]);
    expect(readme).toContain("tf.loadLayersModel('model.json')");
    expect(readme).toContain('One logit per class');
    expect(readme).toContain('## Use with Teachable Machine apps');
    expect(readme).toContain("tmImage.load(URL + 'model.json', URL + 'metadata.json')");
    expect(readme).toContain('`pixel / 127 - 1`');
  });

  it('leaves the caller model alone and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await teachableArtifacts(artifacts, manifest);
    expect(tf.memory().numTensors).toBe(before);
    const x = studioInput(pixels);
    const logits = await predictions(model, x);
    x.dispose();
    expect(maxAbsDiff((await tf.tidy(() => tf.softmax(tf.tensor2d(logits, [4, 3]))).data()) as Float32Array, expected)).toBe(0);
  });

  it('readBundle still restores the project from a zipped bundle inside a top folder', async () => {
    const unzipped = unzipBundle(zipBundle(files, { folder: 'pets_model' }));
    expect(Object.keys(unzipped).sort()).toEqual(Object.keys(files).sort());
    const back = readBundle(unzipped);
    if ('error' in back) throw new Error(back.error);
    expect(back.manifest).toEqual(manifest);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(back.artifacts));
    const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 9);
    expect(await predictions(loaded, x)).toEqual(await predictions(model, x));
    x.dispose();
    loaded.dispose();
  });

  it('avoids the names of the trained model’s own layers', async () => {
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const clash = tf.layers.conv2d({ name: 'tm_normalize', filters: 2, kernelSize: 1 }).apply(input);
    const pooled = tf.layers.globalAveragePooling2d({ name: 'tm_softmax' }).apply(clash);
    const out = tf.layers.dense({ units: 3, name: 'head' }).apply(pooled) as tf.SymbolicTensor;
    const clashing = tf.model({ inputs: input, outputs: out, name: 'teachable_machine' });
    const tm = await teachableArtifacts(await savedArtifacts(clashing), manifest);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(tm));
    expect(reloaded.layers.map((l) => l.name)).toEqual(['tm_input', 'tm_normalize_1', 'teachable_machine', 'tm_softmax_1']);
    expect(reloaded.name).toBe('teachable_machine_1');
    reloaded.dispose();
    clashing.dispose();
  });

  it('is for single-label only: other tasks get no teachable-machine/ folder', () => {
    const multi = makeManifest(sampleInput({ task: 'multi', spec: { ...DEFAULT_SPEC, label: { kind: 'csvColumn', column: 'tags', separator: ' ' } }, classes: CLASSES }));
    const multiFiles = makeBundle(artifacts, multi, {}, tmArtifacts);
    expect(Object.keys(multiFiles).filter((k) => k.includes('/') || k.endsWith('metadata.json'))).toEqual([]);
    expect(text(multiFiles[BUNDLE_FILES.readme])).not.toContain('teachable-machine');
    expect(() => teachableMachineModel(model, multi)).toThrow(/single-label; this project is multi/);
    const wrongClasses = makeManifest(sampleInput({ classes: ['a', 'b'], inputSize: SIZE }));
    expect(() => teachableMachineModel(model, wrongClasses)).toThrow(/not \[batch, 2\] class logits/);
  });
});
