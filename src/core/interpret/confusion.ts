/**
 * Single-label (and per-pixel) confusion, as fastai's `ClassificationInterpretation`:
 * `confusion_matrix` and `most_confused`, over plain arrays so a worker can post them.
 */

/** Class ids, or anything indexable that holds them (a worker message, a typed array). */
export type Ids = ArrayLike<number>;

/** One off-diagonal cell of the confusion matrix, by class name. */
export interface Confusion {
  readonly actual: string;
  readonly predicted: string;
  readonly count: number;
}

/**
 * Index of the largest value of each row of a flat `[N, C]` array (the predicted class); the
 * first index wins a tie, as `argmax` does.
 * @example argmaxRows([0.1, 0.9, 0.7, 0.3], 2) // Int32Array [1, 0]
 */
export function argmaxRows(values: ArrayLike<number>, numClasses: number): Int32Array {
  const n = Math.floor(values.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (values[i * numClasses + c] > values[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Counts of (actual, predicted) pairs: `m[actual][predicted]`, rows = actual, columns =
 * predicted, as fastai. Ids outside `0..numClasses-1` (a void or ignore code) are not counted.
 * @example confusionMatrix([0, 1, 1], [0, 0, 1], 2) // [[1, 1], [0, 1]]
 */
export function confusionMatrix(preds: Ids, targets: Ids, numClasses: number): number[][] {
  if (preds.length !== targets.length) {
    throw new Error(`confusionMatrix: ${preds.length} predictions but ${targets.length} targets.`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < preds.length; i++) {
    const p = preds[i];
    const t = targets[i];
    if (inRange(p, numClasses) && inRange(t, numClasses)) m[t][p] += 1;
  }
  return m;
}

function inRange(id: number, numClasses: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < numClasses;
}

/**
 * fastai's `most_confused`: off-diagonal cells with `count >= minVal`, largest first; equal
 * counts keep row-major order (actual, then predicted), as fastai's stable sort does.
 * @example mostConfused([[5, 2], [0, 4]], ['3', '7']) // [{ actual: '3', predicted: '7', count: 2 }]
 */
export function mostConfused(matrix: readonly (readonly number[])[], classes: readonly string[], minVal = 1): Confusion[] {
  const cells: Confusion[] = [];
  matrix.forEach((row, a) =>
    row.forEach((count, p) => {
      if (a !== p && count >= minVal) cells.push({ actual: classes[a] ?? String(a), predicted: classes[p] ?? String(p), count });
    }),
  );
  // Array.prototype.sort is stable, so ties stay in row-major order.
  return cells.sort((x, y) => y.count - x.count);
}
