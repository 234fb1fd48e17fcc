import * as tf from '@tensorflow/tfjs';
import type { DataLoader, DataLoaders } from '../data/batch';
import { tensorLoaders } from '../data/tensorLoaders';
import { splitHead, type HeadSplit } from '../model/split';
import { CancelFitError, type Callback } from './callback';
import { Learner } from './learner';
import { yieldToEventLoop } from './yieldToEventLoop';

/**
 * The frozen phase's fast path: with the body frozen and augmentation off, every epoch would
 * push the same pictures through the same body. Here the body runs once over the training and
 * validation pictures (in inference mode: its batch norm uses its running statistics, unlike
 * fastai's frozen fit, which keeps training them), and a learner trains the head alone on the
 * cached features (pooled vectors when the head starts by pooling, see `splitHead`). The head's layers are the model's own, so the model learns with it.
 */
export interface FastHead {
  /** A learner over the cached features and the head; fit it like any learner. */
  readonly learner: Learner;
  /** Frees the cached features and the head learner's optimizer state (the model keeps its weights). */
  dispose(): void;
}

/** Options of `fastHeadLearner`. */
export interface FastHeadOptions {
  /**
   * The seed of the cached features' batch order: the data block's batch seed, so a seed set
   * there changes the head's batches as it changes the full fit's (default 1).
   */
  readonly seed?: number;
  /** Stops the body's pass over the pictures between batches (CancelFitError). */
  readonly signal?: AbortSignal;
}

/**
 * Builds the fast path for `grouped`'s model over `dls`, with `plainTrain` a loader over the
 * training pictures without augmentation (a validation-style loader). Null when the model's
 * head cannot be split from its body (a U-Net decoder reads several body tensors).
 */
export async function fastHeadLearner(learner: Learner, plainTrain: DataLoader, opts: FastHeadOptions = {}): Promise<FastHead | null> {
  const { signal, seed } = opts;
  const split = splitHead(learner.grouped);
  if (!split) return null;
  const dls: DataLoaders = learner.dls;
  const train = await bodyFeatures(split, plainTrain, signal);
  const valid = await bodyFeatures(split, dls.valid, signal).catch((e: unknown) => {
    tf.dispose([train.x, train.y]);
    throw e;
  });
  const features = tensorLoaders(train, valid, dls.task, dls.train.batchSize, { classes: dls.classes, voidIndex: dls.voidIndex, height: dls.height, width: dls.width, stats: dls.stats, seed });
  tf.dispose([train.x, train.y, valid.x, valid.y]);
  // The head's epochs are the model's history too (the export's and the command line's table).
  let adopted = 0;
  const adoptFit: Callback = {
    name: 'adoptFit',
    order: 55,
    afterFit: (): void => {
      learner.recorder.adopt(head.recorder.epochs.slice(adopted));
      adopted = head.recorder.epochs.length;
    },
  };
  const head: Learner = new Learner(features, split.head, { loss: learner.loss, metrics: learner.metrics, wd: learner.wd, lr: learner.lr, callbacks: [adoptFit] });
  return {
    learner: head,
    dispose: () => {
      head.dispose();
      features.dispose();
    },
  };
}

/**
 * The body's feature maps of every batch of `loader`, and the batches' targets, concatenated.
 * A large set at 224 px takes a while: `signal` stops it between batches (CancelFitError).
 */
async function bodyFeatures(split: HeadSplit, loader: DataLoader, signal?: AbortSignal): Promise<{ x: tf.Tensor4D; y: tf.Tensor }> {
  const xs: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  for await (const batch of loader.batches(0)) {
    xs.push(tf.tidy(() => split.body.apply(batch.x, { training: false }) as tf.Tensor));
    ys.push(batch.y);
    batch.x.dispose();
    if (!signal) continue;
    await yieldToEventLoop();
    if (signal.aborted) {
      tf.dispose([...xs, ...ys]);
      throw new CancelFitError('stopped by the user');
    }
  }
  const out = { x: tf.concat(xs) as tf.Tensor4D, y: tf.concat(ys) };
  tf.dispose([...xs, ...ys]);
  return out;
}
