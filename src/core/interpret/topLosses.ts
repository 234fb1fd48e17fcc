/**
 * fastai's `top_losses` and what `plot_top_losses` prints over each picture
 * (prediction / actual / loss / probability), over plain arrays.
 */

/** One item of the validation set and its loss. */
export interface ItemLoss {
  /** Position of the item in loader order (the index into `Preds.losses`). */
  readonly index: number;
  readonly loss: number;
}

/** What fastai's `plot_top_losses` shows for a single-label item. */
export interface PredictionDetail {
  readonly index: number;
  /** Class id of the argmax. */
  readonly predicted: number;
  /** Probability of the predicted class. */
  readonly predictedProb: number;
  /** Class id of the target. */
  readonly actual: number;
  /** Probability the model gave to the actual class. */
  readonly actualProb: number;
}

/**
 * The `k` largest losses (or smallest with `largest = false`), largest first; equal losses keep
 * index order, and a NaN loss ranks above every number, as torch's `topk` does.
 * @example topLosses([0.1, 2, 0.5], 2) // [{ index: 1, loss: 2 }, { index: 2, loss: 0.5 }]
 */
export function topLosses(losses: ArrayLike<number>, k: number = losses.length, largest = true): ItemLoss[] {
  const items: ItemLoss[] = Array.from({ length: losses.length }, (_, index) => ({ index, loss: losses[index] }));
  // NaN counts as +Infinity: first when largest, last otherwise (torch's topk puts NaN on top).
  const key = (l: number) => (Number.isNaN(l) ? Infinity : l);
  const sign = largest ? -1 : 1;
  items.sort((a, b) => sign * (key(a.loss) - key(b.loss)) || a.index - b.index);
  return items.slice(0, Math.max(0, Math.min(k, items.length)));
}

/**
 * For each chosen item of a single-label set: the predicted class and its probability, and the
 * probability of the actual class. `probs` is the flat `[N, C]` softmax output, `targets` class ids.
 * @example predictionDetails([0.2, 0.8], [0], 2, [0]) // [{ index: 0, predicted: 1, predictedProb: 0.8, actual: 0, actualProb: 0.2 }]
 */
export function predictionDetails(probs: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number, indices: readonly number[]): PredictionDetail[] {
  return indices.map((index) => {
    const row = index * numClasses;
    if (index < 0 || row + numClasses > probs.length) throw new Error(`predictionDetails: item ${index} is outside the ${probs.length / numClasses} predictions.`);
    let predicted = 0;
    for (let c = 1; c < numClasses; c++) if (probs[row + c] > probs[row + predicted]) predicted = c;
    const actual = targets[index];
    return { index, predicted, predictedProb: probs[row + predicted], actual, actualProb: probs[row + actual] };
  });
}
