/**
 * Point-regression interpretation (lesson 3's head pose): the error of each item in pixels, and a
 * histogram of those errors, so the few badly placed points stand out from the mean.
 */

/** One bin of a histogram: values in `[x0, x1)`, the last bin also holding `x1`. */
export interface Bin {
  readonly x0: number;
  readonly x1: number;
  readonly count: number;
}

/**
 * Distance in pixels between predicted and true points of a `width x height` image, per item:
 * coordinates span [-1, 1], so an x difference counts `width / 2` pixels a unit and a y
 * difference `height / 2`. Both are flat `[N, 2]` (x, y).
 * @example pointErrors([0, 0], [0.5, 0], 64) // [16]
 */
export function pointErrors(pred: ArrayLike<number>, target: ArrayLike<number>, width: number, height = width): number[] {
  if (pred.length !== target.length || pred.length % 2 !== 0) {
    throw new Error(`pointErrors: predictions (${pred.length} values) and targets (${target.length}) must both be [N, 2].`);
  }
  const errors: number[] = [];
  for (let i = 0; i < pred.length; i += 2) {
    errors.push(Math.hypot(((pred[i] - target[i]) * width) / 2, ((pred[i + 1] - target[i + 1]) * height) / 2));
  }
  return errors;
}

/**
 * Equal-width histogram over `range` (default: the values' min and max), as numpy's: bins are
 * `[x0, x1)` and the last one is closed. A single distinct value gets the range `v ± 0.5`;
 * non-finite values and values outside the range are not counted.
 * @example histogram([0, 1, 1, 4], 2) // [{ x0: 0, x1: 2, count: 3 }, { x0: 2, x1: 4, count: 1 }]
 */
export function histogram(values: ArrayLike<number>, bins = 10, range?: readonly [number, number]): Bin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`histogram: bins must be a positive whole number, got ${bins}.`);
  const [lo, hi] = range ?? valueRange(values);
  if (!(hi > lo)) throw new Error(`histogram: the range must have its upper end above its lower end, got [${lo}, ${hi}].`);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    // bin = floor((v - lo) / width), with v = hi falling in the last bin.
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))] += 1;
  }
  return counts.map((count, b) => ({ x0: lo + b * width, x1: b === bins - 1 ? hi : lo + (b + 1) * width, count }));
}

/** Min and max of the finite values; [0, 1] when there are none, v ± 0.5 when all are equal. */
function valueRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}
