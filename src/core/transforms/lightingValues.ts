/**
 * Lighting on plain float arrays, with no tfjs: the formula of `applyLighting`, shared by the CPU
 * backend's path and the batch-preparation workers (which must not load tfjs).
 */

/** Per-image lighting parameters; `applied[b]` false leaves image b exactly as it was. */
export interface LightingDraw {
  /** logit(change) added in logit space; 0 is neutral. */
  readonly shift: readonly number[];
  /** Factor on the logit; 1 is neutral. */
  readonly scale: readonly number[];
  readonly applied: readonly boolean[];
}

/**
 * Clamp away from 0 and 1 before the logit; 1e-6 rather than fastai's 1e-7 because 1 - 1e-7 is
 * barely representable in float32 and not at all in the float16 some WebGL devices use.
 */
export const LIGHTING_EPS = 1e-6;

/**
 * Lights image `b`'s values in place (`values` holds that one image, 0..1):
 * y = sigmoid((logit(clip(x, eps, 1 - eps)) + shift) * scale), in float64 per value.
 */
export function lightImageInPlace(values: Float32Array, draw: LightingDraw, b: number): void {
  if (!draw.applied[b]) return;
  const shift = draw.shift[b];
  const scale = draw.scale[b];
  for (let i = 0; i < values.length; i++) {
    const c = Math.min(Math.max(values[i], LIGHTING_EPS), 1 - LIGHTING_EPS);
    values[i] = 1 / (1 + Math.exp(-(Math.log(c / (1 - c)) + shift) * scale));
  }
}
