/**
 * The classifier's strong baseline from issue 15: a bag-of-words logistic regression fitted on
 * the training texts and scored on the validation texts of the same split, in plain TypeScript.
 * Features: which words a text holds (binary, scaled by 1/sqrt(count), so long texts do not
 * dominate), special tokens excluded; softmax regression with L2, full-batch gradient descent
 * with AdaGrad steps, zero initialisation, so the result is deterministic.
 */

/** Options of `bagOfWordsAccuracy`. */
export interface BagOfWordsOptions {
  readonly epochs?: number;
  readonly lr?: number;
  readonly l2?: number;
  /** Token ids below this are special tokens and ignored (fastai's 9). */
  readonly firstWord?: number;
}

/** Sparse features of one text: distinct word ids and their common weight. */
function features(ids: ArrayLike<number>, firstWord: number): { words: number[]; weight: number } {
  const set = new Set<number>();
  for (let i = 0; i < ids.length; i++) if (ids[i] >= firstWord) set.add(ids[i]);
  const words = [...set].sort((a, b) => a - b);
  return { words, weight: words.length ? 1 / Math.sqrt(words.length) : 0 };
}

/** Softmax of scores in place. */
function softmaxInPlace(s: Float64Array): void {
  const max = Math.max(...s);
  let sum = 0;
  for (let c = 0; c < s.length; c++) sum += s[c] = Math.exp(s[c] - max);
  for (let c = 0; c < s.length; c++) s[c] /= sum;
}

/**
 * Validation accuracy of a bag-of-words logistic regression (texts as token ids).
 * @example bagOfWordsAccuracy(trainIds, trainLabels, validIds, validLabels, vocab.itos.length, 2) // 0.93
 */
export function bagOfWordsAccuracy(
  trainIds: readonly ArrayLike<number>[],
  trainY: readonly number[],
  validIds: readonly ArrayLike<number>[],
  validY: readonly number[],
  vocabSize: number,
  numClasses: number,
  opts: BagOfWordsOptions = {},
): number {
  const { epochs = 60, lr = 0.5, l2 = 1e-4, firstWord = 9 } = opts;
  const train = trainIds.map((t) => features(t, firstWord));
  const w = new Float64Array(vocabSize * numClasses);
  const b = new Float64Array(numClasses);
  const gw = new Float64Array(w.length);
  const hw = new Float64Array(w.length).fill(1e-8);
  const gb = new Float64Array(numClasses);
  const hb = new Float64Array(numClasses).fill(1e-8);
  const scores = (f: { words: number[]; weight: number }) => {
    const s = Float64Array.from(b);
    for (const v of f.words) for (let c = 0; c < numClasses; c++) s[c] += w[v * numClasses + c] * f.weight;
    return s;
  };
  for (let e = 0; e < epochs; e++) {
    gw.fill(0);
    gb.fill(0);
    train.forEach((f, i) => {
      const p = scores(f);
      softmaxInPlace(p);
      p[trainY[i]] -= 1; // d(cross-entropy)/d(score) = p - onehot
      for (let c = 0; c < numClasses; c++) gb[c] += p[c] / train.length;
      for (const v of f.words) for (let c = 0; c < numClasses; c++) gw[v * numClasses + c] += (p[c] * f.weight) / train.length;
    });
    for (let k = 0; k < w.length; k++) {
      const g = gw[k] + l2 * w[k];
      hw[k] += g * g;
      w[k] -= (lr * g) / Math.sqrt(hw[k]);
    }
    for (let c = 0; c < numClasses; c++) {
      hb[c] += gb[c] * gb[c];
      b[c] -= (lr * gb[c]) / Math.sqrt(hb[c]);
    }
  }
  let correct = 0;
  validIds.forEach((t, i) => {
    const s = scores(features(t, firstWord));
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (s[c] > s[best]) best = c;
    if (best === validY[i]) correct += 1;
  });
  return validIds.length ? correct / validIds.length : 0;
}
