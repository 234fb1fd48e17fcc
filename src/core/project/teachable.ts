/**
 * A Teachable Machine flavoured copy of a single-label model, for apps built on
 * `@teachablemachine/image` (`tmImage.load(modelURL, metadataURL)` then `model.predict(img)`).
 * Those apps crop the centre square to `metadata.imageSize`, feed `pixel / 127 - 1` and read the
 * outputs as probabilities; ours wants `(pixel / 255 - mean) / std` and gives logits. The copy
 * wraps the trained model between a fixed per-channel affine layer and a softmax, so it needs no
 * code change on the app's side.
 */
import * as tf from '@tensorflow/tfjs';
import { saveArtifacts } from '../train/weights';
import { sidesOf } from '../data/sizeSpec';
import type { StudioManifest } from './manifest';

/**
 * What `@teachablemachine/image`'s `capture()` divides pixels by before subtracting 1. It is 127,
 * not 127.5 (so 255 maps to 1.0079): matching it exactly keeps the copy's answers equal to ours.
 */
export const TM_PIXEL_DIVISOR = 127;

/** Per-channel `scale` and `offset` with `ours = tm * scale + offset`. */
export interface ChannelAffine {
  readonly scale: readonly number[];
  readonly offset: readonly number[];
}

/**
 * The affine map from TM's input to ours: pixel = D (x + 1), so
 * (pixel / 255 - mean) / std = x * D / (255 std) + (D / 255 - mean) / std.
 * @example tmToOurs({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }) // scale ≈ 0.996, offset ≈ -0.004
 */
export function tmToOurs(normalize: StudioManifest['normalize']): ChannelAffine {
  const d = TM_PIXEL_DIVISOR / 255;
  return {
    scale: normalize.std.map((s) => d / s),
    offset: normalize.mean.map((m, c) => (d - m) / normalize.std[c]),
  };
}

/** `base`, or `base_1`, `base_2`… whichever no layer of `model` (nested ones included) uses. */
function freeName(base: string, model: tf.LayersModel): string {
  const taken = new Set<string>([model.name]);
  const walk = (m: tf.LayersModel) =>
    m.layers.forEach((l) => {
      taken.add(l.name);
      if (l instanceof tf.LayersModel) walk(l);
    });
  walk(model);
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * `[height, width, 3]` pixels in TM's scale -> per-channel affine to our normalization (a 1x1
 * depthwise convolution, which every tfjs version loads) -> `trained`, nested -> softmax.
 * The result shares `trained`'s layers and weights, and disposing it disposes `trained` too.
 * @throws Error when the task is not single-label or `trained` does not end in `[batch, classes]`
 * @example const tm = teachableMachineModel(await tf.loadLayersModel(tf.io.fromMemory(artifacts)), manifest);
 */
export function teachableMachineModel(trained: tf.LayersModel, manifest: StudioManifest): tf.LayersModel {
  if (manifest.task !== 'single') throw new Error(`Teachable Machine models are single-label; this project is ${manifest.task}.`);
  const outShape = (trained.outputs.length === 1 ? trained.outputs[0].shape : []) as (number | null)[];
  if (outShape.length !== 2 || outShape[1] !== manifest.classes.length) {
    throw new Error(`The model's output is [${outShape.join(', ')}], not [batch, ${manifest.classes.length}] class logits.`);
  }
  const { height, width } = sidesOf(manifest.inputSize);
  const input = tf.input({ shape: [height, width, 3], name: freeName('tm_input', trained) });
  const affine = tf.layers.depthwiseConv2d({ name: freeName('tm_normalize', trained), kernelSize: 1, depthMultiplier: 1, useBias: true, trainable: false });
  const normalized = affine.apply(input) as tf.SymbolicTensor;
  const { scale, offset } = tmToOurs(manifest.normalize);
  tf.tidy(() => affine.setWeights([tf.tensor4d([...scale], [1, 1, 3, 1]), tf.tensor1d([...offset])]));
  const logits = trained.apply(normalized) as tf.SymbolicTensor;
  const probs = tf.layers.activation({ activation: 'softmax', name: freeName('tm_softmax', trained) }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs, name: freeName('teachable_machine', trained) });
}

/**
 * The TM copy of saved single-label artifacts, as artifacts again. Works on its own copy of the
 * model, so the caller's model is neither shared nor disposed.
 * @example const tm = await teachableArtifacts(await learn.save(), manifest); makeBundle(artifacts, manifest, {}, tm);
 */
export async function teachableArtifacts(artifacts: tf.io.ModelArtifacts, manifest: StudioManifest): Promise<tf.io.ModelArtifacts> {
  const trained = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  let tm: tf.LayersModel | undefined;
  try {
    tm = teachableMachineModel(trained, manifest);
    return await saveArtifacts(tm);
  } finally {
    // Disposing the wrapper disposes the nested copy too (tfjs counts it among its containers).
    if (tm) tm.dispose();
    else trained.dispose();
  }
}
