/**
 * Lighting augmentation as fastai's Brightness and Contrast: both act on logit(x), so the result
 * stays in 0..1 after the sigmoid and a change never clips a bright picture to flat white.
 */
import * as tf from '@tensorflow/tfjs';
import { uniform } from '../data/random';
import type { Rng } from '../data/random';
import { LIGHTING_EPS as EPS, lightImageInPlace, type LightingDraw } from './lightingValues';

export type { LightingDraw } from './lightingValues';

/** logit(p) = log(p / (1 - p)). */
function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Draws brightness and contrast for `n` images, each with its own probability `p` as fastai:
 * brightness change ~ U(0.5(1 - L), 0.5(1 + L)), applied as + logit(change);
 * contrast scale = exp(U(log(1 - L), -log(1 - L))), applied as * scale.
 * L is capped below 1 because log(1 - L) diverges. Returns null when nothing would change.
 */
export function drawLighting(maxLighting: number, p: number, n: number, rng: Rng): LightingDraw | null {
  if (maxLighting <= 0 || p <= 0) return null;
  const L = Math.min(maxLighting, 0.99);
  const shift: number[] = [];
  const scale: number[] = [];
  const applied: boolean[] = [];
  for (let b = 0; b < n; b++) {
    const doBrightness = rng() < p;
    shift.push(doBrightness ? logit(uniform(rng, 0.5 * (1 - L), 0.5 * (1 + L))) : 0);
    const doContrast = rng() < p;
    scale.push(doContrast ? Math.exp(uniform(rng, Math.log(1 - L), -Math.log(1 - L))) : 1);
    applied.push(doBrightness || doContrast);
  }
  return applied.some(Boolean) ? { shift, scale, applied } : null;
}

/**
 * Applies a draw to float32 [B, H, W, 3] pixels in 0..1:
 * y = sigmoid((logit(clip(x, eps, 1 - eps)) + shift) * scale), only where `applied`.
 * Returns a new tensor; intermediates are freed.
 */
export function applyLighting(x: tf.Tensor4D, draw: LightingDraw): tf.Tensor4D {
  // On the CPU backend the broadcast Mul and Add by per-image [B,1,1,1] factors take over a
  // second for 32 pictures at 128 px; one pass in JavaScript takes tens of milliseconds.
  return tf.getBackend() === 'cpu' ? lightingOnValues(x, draw) : lightingOnTensors(x, draw);
}

/** `applyLighting` as backend ops: the path for GPU backends and wasm (whose SIMD Log is fast). */
export function lightingOnTensors(x: tf.Tensor4D, draw: LightingDraw): tf.Tensor4D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const shift = tf.tensor4d(draw.shift as number[], [n, 1, 1, 1]);
    const scale = tf.tensor4d(draw.scale as number[], [n, 1, 1, 1]);
    const clipped = tf.clipByValue(x, EPS, 1 - EPS);
    const logits = tf.log(tf.div(clipped, tf.sub(1, clipped)));
    const lit = tf.sigmoid(tf.mul(tf.add(logits, shift), scale));
    // Untouched images keep their exact values rather than a logit/sigmoid round trip:
    // x + m * (lit - x) with m in {0, 1} is x where m = 0 (x + 0 * d is x exactly). A float
    // mask broadcasts inside Mul; tf.where would need the bool mask tiled to the full shape,
    // and that generic Tile kernel was ~20% of a wasm training step.
    const mask = tf.tensor4d(
      draw.applied.map((a) => (a ? 1 : 0)),
      [n, 1, 1, 1],
    );
    return tf.add(x, tf.mul(mask, tf.sub(lit, x))) as tf.Tensor4D;
  });
}

/** `applyLighting` in one pass over the values read back: the same formula, in float64. */
function lightingOnValues(x: tf.Tensor4D, draw: LightingDraw): tf.Tensor4D {
  const out = Float32Array.from(x.dataSync() as Float32Array);
  const per = out.length / x.shape[0];
  for (let b = 0; b < x.shape[0]; b++) lightImageInPlace(out.subarray(b * per, (b + 1) * per), draw, b);
  return tf.tensor4d(out, x.shape);
}
