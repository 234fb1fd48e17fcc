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

/** Entries of the lighting curve's table over 0..1 (see `lightImageInPlace`). */
const TABLE = 4096;
/** Within this distance of 0 or 1 the logit bends too fast for the table: exact there. */
const EDGE = 0.01;

/**
 * Lights image `b`'s values in place (`values` holds that one image, 0..1):
 * y = sigmoid((logit(clip(x, eps, 1 - eps)) + shift) * scale).
 * A log and an exp per value were half the off-thread preparation's time, so for a picture much
 * larger than the table and a moderate contrast (scale in 0.5..2, max_lighting up to 0.5) the
 * curve is tabulated at 4,096 points and read by linear interpolation, exact within 0.01 of 0
 * and 1: the largest error over that range is 2.6e-6 (checked in the tests), below what float32
 * pictures resolve at 0.5. Other cases compute every value.
 */
export function lightImageInPlace(values: Float32Array, draw: LightingDraw, b: number): void {
  if (!draw.applied[b]) return;
  const shift = draw.shift[b];
  const scale = draw.scale[b];
  const exact = (v: number) => {
    const c = Math.min(Math.max(v, LIGHTING_EPS), 1 - LIGHTING_EPS);
    return 1 / (1 + Math.exp(-(Math.log(c / (1 - c)) + shift) * scale));
  };
  if (values.length < 4 * TABLE || scale < 0.5 || scale > 2) {
    for (let i = 0; i < values.length; i++) values[i] = exact(values[i]);
    return;
  }
  const table = new Float64Array(TABLE + 1);
  for (let j = 0; j <= TABLE; j++) table[j] = exact(j / TABLE);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < EDGE || v > 1 - EDGE) {
      values[i] = exact(v);
      continue;
    }
    const p = v * TABLE;
    const j = p | 0;
    values[i] = table[j] + (p - j) * (table[j + 1] - table[j]);
  }
}
