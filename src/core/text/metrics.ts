/**
 * Metrics and trivial baselines of the text tasks: perplexity and accuracy for the language
 * model, accuracy for the classifier (the shared `accuracy()` of metrics/classification works
 * on `[B, T, V]` logits with `[B, T]` targets as on `[B, C]` with `[B]`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Metric } from '../metrics/metric';

/**
 * fastai's `Perplexity`: exp of the mean cross-entropy per token over the whole set,
 * from [sum of -log p(target), token count] per batch.
 * @example await computeMetric(perplexity(), logits, targets) // 1 for a perfect model
 */
export function perplexity(): Metric {
  return {
    name: 'perplexity',
    stats: (logits, target) =>
      tf.tidy(() => {
        const nll = tf
          .logSoftmax(logits)
          .mul(tf.oneHot(target.toInt(), logits.shape[logits.rank - 1]))
          .sum(-1)
          .neg()
          .sum();
        return tf.stack([nll, tf.scalar(target.size)]) as tf.Tensor1D;
      }),
    value: ([nll, n]) => (n > 0 ? Math.exp(nll / n) : NaN),
  };
}

/**
 * The perplexity of a unigram model fitted on the training tokens (add-one smoothing, so a word
 * never seen in training has a probability too), measured on the validation targets: what a
 * language model that ignores context scores. p(w) = (count(w) + 1) / (N + V).
 * @example unigramPerplexity([trainIds], [validIds], vocab.itos.length)
 */
export function unigramPerplexity(train: readonly ArrayLike<number>[], valid: readonly ArrayLike<number>[], vocabSize: number): number {
  const counts = new Float64Array(vocabSize);
  let total = 0;
  for (const t of train) {
    for (let i = 0; i < t.length; i++) counts[t[i]] += 1;
    total += t.length;
  }
  let nll = 0;
  let n = 0;
  for (const t of valid) {
    for (let i = 0; i < t.length; i++) nll -= Math.log((counts[t[i]] + 1) / (total + vocabSize));
    n += t.length;
  }
  return n > 0 ? Math.exp(nll / n) : NaN;
}

/**
 * The accuracy of always guessing the training set's most frequent class, on the validation labels.
 * @example mostFrequentAccuracy([0, 0, 1], [0, 1]) // 0.5
 */
export function mostFrequentAccuracy(trainLabels: readonly number[], validLabels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const y of trainLabels) counts.set(y, (counts.get(y) ?? 0) + 1);
  let best = -1;
  let bestCount = -1;
  for (const [y, c] of counts) if (c > bestCount || (c === bestCount && y < best)) [best, bestCount] = [y, c];
  return validLabels.length === 0 ? 0 : validLabels.filter((y) => y === best).length / validLabels.length;
}
