import * as tf from '@tensorflow/tfjs';

/**
 * A metric computed over a whole validation set. Each batch yields small sufficient statistics
 * (e.g. [correct, count]) that are summed across batches; `value` turns the sums into the metric.
 * So a metric is exact over the set, never an average of batch averages.
 */
export interface Metric {
  /** Column name, as fastai prints it (`accuracy`, `error_rate`, `fbeta`). */
  readonly name: string;
  /** Statistics of one batch from raw model outputs and targets, as a 1-D tensor. */
  stats(pred: tf.Tensor, target: tf.Tensor): tf.Tensor1D;
  /** The metric from statistics summed over every batch. */
  value(sums: readonly number[]): number;
}

/** Sums statistics batch after batch, then reports each metric. */
export class MetricAccumulator {
  private sums: number[][];
  constructor(readonly metrics: readonly Metric[]) {
    this.sums = metrics.map(() => []);
  }

  /** Adds one batch; reads the small statistic tensors back to plain numbers. */
  async add(pred: tf.Tensor, target: tf.Tensor): Promise<void> {
    const stats = this.metrics.map((m) => m.stats(pred, target));
    const values = await Promise.all(stats.map((s) => s.data()));
    tf.dispose(stats);
    values.forEach((v, i) => {
      const s = this.sums[i];
      for (let j = 0; j < v.length; j++) s[j] = (s[j] ?? 0) + v[j];
    });
  }

  /** Metric values by name. */
  result(): Record<string, number> {
    return Object.fromEntries(this.metrics.map((m, i) => [m.name, m.value(this.sums[i])]));
  }
}

/**
 * One metric on one batch of outputs and targets (the whole set at once).
 * @example await computeMetric(accuracy(), logits, labels) // 0.75
 */
export async function computeMetric(metric: Metric, pred: tf.Tensor, target: tf.Tensor): Promise<number> {
  const acc = new MetricAccumulator([metric]);
  await acc.add(pred, target);
  return acc.result()[metric.name];
}

/** a / b, or 0 when b is 0 (an empty set scores 0 rather than NaN). */
export function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
