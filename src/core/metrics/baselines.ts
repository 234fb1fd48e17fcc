import * as tf from '@tensorflow/tfjs';
import type { DataLoader } from '../data/batch';
import type { Task } from '../data/types';
import { metricsForTask, type MetricContext } from './forTask';
import { computeMetric } from './metric';

/**
 * Trivial baselines: what a model that learned nothing about the pictures scores, computed from
 * the training targets and scored on the validation targets with the task's own metrics. A
 * learning test, or the quality table, states its margin over the best of them.
 */

/** One trivial predictor and its score on each of the task's metrics. */
export interface Baseline {
  /** What it predicts, in words: "most frequent class (3)", "every tag", "the mean point". */
  readonly name: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Metrics where lower is better; every other metric of the studio is better higher. */
const LOWER_IS_BETTER = new Set(['error_rate', 'pixel_error', 'mse', 'valid_loss', 'train_loss']);

/** True for error rates, point errors and losses. */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.has(metric);
}

/** The best score any baseline reaches on `metric` (the one a model has to beat). */
export function bestBaseline(baselines: readonly Baseline[], metric: string): number {
  const scores = baselines.map((b) => b.metrics[metric]).filter((v) => v !== undefined && Number.isFinite(v));
  if (scores.length === 0) throw new Error(`No baseline scores the metric "${metric}"`);
  return lowerIsBetter(metric) ? Math.min(...scores) : Math.max(...scores);
}

/** Every target of a loader's epoch 0, concatenated (use an un-augmented loader for training data). */
export async function loaderTargets(loader: DataLoader): Promise<tf.Tensor> {
  const ys: tf.Tensor[] = [];
  for await (const batch of loader.batches(0)) {
    batch.x.dispose();
    ys.push(batch.y);
  }
  const y = tf.concat(ys);
  tf.dispose(ys);
  return y;
}

/**
 * The trivial baselines of a task, learned from `trainY` and scored on `validY` (targets as the
 * loaders make them, see `Batch`):
 * - single: the most frequent training class for every picture;
 * - multi: every tag on every picture, and every picture given the tags' training frequencies as
 *   probabilities (so the tags above the threshold);
 * - segmentation: the most frequent non-void training code (Background) at every pixel;
 * - points: the mean training point for every picture.
 * @example bestBaseline(await trivialBaselines('single', trainY, validY, ctx), 'accuracy') // 0.52
 */
export async function trivialBaselines(task: Task, trainY: tf.Tensor, validY: tf.Tensor, ctx: MetricContext): Promise<Baseline[]> {
  const predictors = constantPredictors(task, trainY, validY, ctx);
  const metrics = metricsForTask(task, ctx);
  const out: Baseline[] = [];
  for (const p of predictors) {
    const scores: Record<string, number> = {};
    for (const m of metrics) scores[m.name] = await computeMetric(m, p.pred, validY);
    out.push({ name: p.name, metrics: scores });
  }
  tf.dispose(predictors.map((p) => p.pred));
  return out;
}

/** Raw model outputs (logits, or points) that every validation item gets; the caller disposes them. */
function constantPredictors(task: Task, trainY: tf.Tensor, validY: tf.Tensor, ctx: MetricContext): { name: string; pred: tf.Tensor }[] {
  const n = validY.shape[0];
  switch (task) {
    case 'single': {
      const c = mostFrequent(trainY.dataSync(), ctx.numClasses, -1);
      return [{ name: `most frequent class (${c})`, pred: oneHotLogits([n], c, ctx.numClasses) }];
    }
    case 'multi': {
      const tags = ctx.numClasses;
      const freq = tf.tidy(() =>
        trainY
          .toFloat()
          .mean(0)
          .clipByValue(1e-4, 1 - 1e-4),
      );
      const logits = tf.tidy(() => freq.div(tf.scalar(1).sub(freq)).log().expandDims(0).tile([n, 1]));
      freq.dispose();
      return [
        { name: 'every tag', pred: tf.fill([n, tags], 10) },
        { name: 'tag frequencies', pred: logits },
      ];
    }
    case 'segmentation': {
      const c = mostFrequent(trainY.dataSync(), ctx.numClasses, ctx.voidIndex);
      return [{ name: `the most frequent code (${c}) everywhere`, pred: oneHotLogits(validY.shape, c, ctx.numClasses) }];
    }
    case 'points': {
      const mean = tf.tidy(() => trainY.toFloat().reshape([trainY.shape[0], -1]).mean(0));
      const pred = tf.tidy(() => mean.expandDims(0).tile([n, 1]).reshape(validY.shape));
      mean.dispose();
      return [{ name: 'the mean point', pred }];
    }
  }
}

/** Outputs of shape [...shape, numClasses] whose argmax is `c` everywhere. */
function oneHotLogits(shape: readonly number[], c: number, numClasses: number): tf.Tensor {
  return tf.tidy(() =>
    tf
      .oneHot(tf.fill([...shape], c, 'int32'), numClasses)
      .toFloat()
      .mul(10),
  );
}

/** The most frequent id among `ids` (skipping `skip`); the smallest id on ties. */
function mostFrequent(ids: ArrayLike<number>, numClasses: number, skip: number): number {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < ids.length; i++) if (ids[i] !== skip && ids[i] >= 0 && ids[i] < numClasses) counts[ids[i]]++;
  let best = skip === 0 ? 1 : 0;
  for (let c = 0; c < numClasses; c++) if (c !== skip && counts[c] > counts[best]) best = c;
  return best;
}
