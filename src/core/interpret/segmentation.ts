/**
 * Per-class view of a segmentation result: which codes the model gets right and which it misses,
 * with the same counting as the `mean_iou` metric (void pixels and the void code left out).
 */

/** Intersection over union of one code over the set. */
export interface ClassIoU {
  /** Code index into `codes.txt`. */
  readonly code: number;
  /** |P ∩ T| / |P ∪ T| over non-void pixels; null when the code is in neither prediction nor truth. */
  readonly iou: number | null;
  /** Non-void pixels whose true code is this one (the support). */
  readonly pixels: number;
  /** Non-void pixels predicted as this code. */
  readonly predictedPixels: number;
}

/**
 * IoU of every code but the void one, counted over all pixels of all masks. `predMasks` holds
 * predicted code ids (e.g. `argmaxRows(probs, C)`), `trueMasks` the true ids, both flat and
 * the same length; pixels whose true code is `voidIndex` are skipped (-1: none).
 * Per code: iou = inter / (|P| + |T| - inter), as the `mean_iou` metric.
 * @example perClassIoU([0, 0, 2, 1], [0, 1, 2, 1], 3, 2) // code 0: 1/2, code 1: 1/2
 */
export function perClassIoU(predMasks: ArrayLike<number>, trueMasks: ArrayLike<number>, numClasses: number, voidIndex = -1): ClassIoU[] {
  if (predMasks.length !== trueMasks.length) throw new Error(`perClassIoU: ${predMasks.length} predicted pixels but ${trueMasks.length} true pixels.`);
  const inter = new Float64Array(numClasses);
  const predicted = new Float64Array(numClasses);
  const actual = new Float64Array(numClasses);
  for (let i = 0; i < trueMasks.length; i++) {
    const t = trueMasks[i];
    if (t === voidIndex) continue;
    const p = predMasks[i];
    if (p >= 0 && p < numClasses) predicted[p] += 1;
    if (t >= 0 && t < numClasses) actual[t] += 1;
    if (p === t && t >= 0 && t < numClasses) inter[t] += 1;
  }
  const rows: ClassIoU[] = [];
  for (let c = 0; c < numClasses; c++) {
    if (c === voidIndex) continue;
    const sum = predicted[c] + actual[c];
    rows.push({ code: c, iou: sum > 0 ? inter[c] / (sum - inter[c]) : null, pixels: actual[c], predictedPixels: predicted[c] });
  }
  return rows;
}

/** Mean of the defined IoUs (codes present somewhere), which is the `mean_iou` metric; 0 when none. */
export function meanOfIoU(rows: readonly ClassIoU[]): number {
  const defined = rows.flatMap((r) => (r.iou === null ? [] : [r.iou]));
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : 0;
}
