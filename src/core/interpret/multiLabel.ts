/**
 * Multi-label interpretation (lesson 3's Planet): per-tag precision and recall at a threshold,
 * and the F-beta / accuracy_thresh sweep over thresholds used to pick one.
 *
 * The F-beta here is the project metric (`metrics/multiLabel.ts` `fbeta`, sample-averaged) done
 * on plain arrays. Every per-item step is rounded to float32 as the tensor metric's kernels
 * round it, so on the same data in one batch both give the same number, bit for bit.
 */

/** Precision, recall and F1 of one tag at a threshold. */
export interface TagStats {
  /** Tag index into the class list. */
  readonly tag: number;
  /** tp / (tp + fp); 0 when the tag is never predicted. */
  readonly precision: number;
  /** tp / (tp + fn); 0 when the tag never occurs. */
  readonly recall: number;
  /** 2 p r / (p + r); 0 when both are 0. */
  readonly f1: number;
  /** Items that carry the tag. */
  readonly support: number;
  /** Items where the tag is predicted. */
  readonly predicted: number;
}

/** The metrics at one threshold. */
export interface SweepPoint {
  readonly thresh: number;
  /** Sample-averaged F-beta, as the project's `fbeta` metric. */
  readonly fbeta: number;
  /** Share of (item, tag) pairs predicted right, as `accuracy_thresh`. */
  readonly accuracyThresh: number;
}

/** 0.05, 0.10, ..., 0.95: each the double nearest its decimal (k * 5 / 100, not repeated sums). */
export const DEFAULT_THRESHOLDS: readonly number[] = Array.from({ length: 19 }, (_, i) => ((i + 1) * 5) / 100);

const f32 = Math.fround;

/** Multi-hot targets: a tag is present when its value is above 0.5. */
function isPositive(t: number): boolean {
  return t > 0.5;
}

/** `p > thresh` as tfjs compares it: the threshold becomes a float32 scalar first. */
function above(p: number, thresh32: number): boolean {
  return p > thresh32;
}

function checkShapes(probs: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number): number {
  if (probs.length !== targets.length) throw new Error(`Multi-label interpretation: ${probs.length} probabilities but ${targets.length} targets.`);
  if (numClasses <= 0 || probs.length % numClasses !== 0) throw new Error(`Multi-label interpretation: ${probs.length} values do not split into rows of ${numClasses} tags.`);
  return probs.length / numClasses;
}

/**
 * Precision, recall, F1 and support of every tag at `thresh` (probabilities, not logits).
 * @example perTagStats([0.9, 0.1, 0.3, 0.6], [1, 0, 0, 1], 2, 0.5)[1] // { tag: 1, precision: 1, recall: 1, f1: 1, support: 1, predicted: 1 }
 */
export function perTagStats(probs: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number, thresh = 0.2): TagStats[] {
  const n = checkShapes(probs, targets, numClasses);
  const t32 = f32(thresh);
  const stats: TagStats[] = [];
  for (let c = 0; c < numClasses; c++) {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    for (let i = 0; i < n; i++) {
      const p = above(probs[i * numClasses + c], t32);
      const t = isPositive(targets[i * numClasses + c]);
      if (p) predicted += 1;
      if (t) support += 1;
      if (p && t) tp += 1;
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    stats.push({ tag: c, precision, recall, f1, support, predicted });
  }
  return stats;
}

/**
 * One item's F-beta as the tensor metric computes it, float32 at each kernel:
 * prec = tp / predicted, rec = tp / actual, f = (1 + b^2) prec rec / (b^2 prec + rec), 0 when undefined.
 */
function itemFbeta(tp: number, predicted: number, actual: number, b2: number): number {
  const prec = predicted === 0 ? 0 : f32(tp / predicted);
  const rec = actual === 0 ? 0 : f32(tp / actual);
  const den = f32(f32(prec * f32(b2)) + rec);
  return den === 0 ? 0 : f32(f32(f32(prec * rec) * f32(1 + b2)) / den);
}

/** F-beta and accuracy_thresh at one threshold. */
function sweepPoint(probs: ArrayLike<number>, targets: ArrayLike<number>, n: number, numClasses: number, thresh: number, b2: number): SweepPoint {
  const t32 = f32(thresh);
  let fSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = above(probs[i * numClasses + c], t32);
      const t = isPositive(targets[i * numClasses + c]);
      predicted += p ? 1 : 0;
      actual += t ? 1 : 0;
      tp += p && t ? 1 : 0;
      correct += p === t ? 1 : 0;
    }
    // The tensor sum adds float32 items in a double, then stores the total as float32.
    fSum += itemFbeta(tp, predicted, actual, b2);
  }
  const pairs = n * numClasses;
  return { thresh, fbeta: n ? f32(fSum) / n : 0, accuracyThresh: pairs ? correct / pairs : 0 };
}

/**
 * F-beta (sample-averaged) and accuracy_thresh at each threshold, for choosing one.
 * `probs` are sigmoid outputs `[N, C]` flat, `targets` multi-hot `[N, C]` flat.
 * @example bestThreshold(thresholdSweep(probs, targets, 17))?.thresh // e.g. 0.2
 */
export function thresholdSweep(probs: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number, beta = 2, thresholds: readonly number[] = DEFAULT_THRESHOLDS): SweepPoint[] {
  const n = checkShapes(probs, targets, numClasses);
  const b2 = beta * beta;
  return thresholds.map((t) => sweepPoint(probs, targets, n, numClasses, t, b2));
}

/** The point with the highest F-beta; the lowest threshold wins a tie. Null for an empty sweep. */
export function bestThreshold(sweep: readonly SweepPoint[]): SweepPoint | null {
  let best: SweepPoint | null = null;
  for (const p of sweep) if (!best || p.fbeta > best.fbeta || (p.fbeta === best.fbeta && p.thresh < best.thresh)) best = p;
  return best;
}
