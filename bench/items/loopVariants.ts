import * as tf from '@tensorflow/tfjs';
import type { Batch, DataLoaders } from '../../src/core/data/batch';
import { paramGroups } from '../../src/core/model/params';
import { smallCnn } from '../../src/core/model/smallCnn';
import type { Callback } from '../../src/core/train/callback';
import { Learner } from '../../src/core/train/learner';
import { crossEntropyFlat } from '../../src/core/train/losses';
import { AdamW } from '../../src/core/train/optimizer';
import { NO_TIME, addLaps, startClock, subLaps, type Lap } from '../lib/clock';

/** One way of training the small CNN, timed epoch by epoch against the others. */
export interface LoopVariant {
  readonly name: string;
  /** What it runs, in words, for the table. */
  readonly what: string;
  /** Two untimed steps: first allocations, optimizer state. */
  warm(): Promise<void>;
  /** One epoch; `lap` counts training only (validation is subtracted), `images` the images trained. */
  epoch(): Promise<{ lap: Lap; images: number }>;
  /** `steps` steps in one go (one fit for the Learner, without validation), for `tf.profile`. */
  profileRun(steps: number): Promise<void>;
  /** The Learner's fixed cost of one epoch: a fit with no batches (snapshots, callbacks, set-up). */
  emptyEpoch?(): Promise<Lap>;
  dispose(): void;
}

/** Shared by every variant so they train the same network from the same weights. */
export interface LoopSetup {
  readonly batch: Batch;
  readonly numClasses: number;
  /** Training steps per epoch. */
  readonly batches: number;
  readonly lr: number;
}

const SEED = 1;

/** The bare tfjs loop: `model.compile({ optimizer: tf.train.adam, loss })` + `trainOnBatch` on pre-made tensors. */
export function bareLoop(s: LoopSetup): LoopVariant {
  const { model } = smallCnn(s.numClasses, { seed: SEED });
  model.compile({ optimizer: tf.train.adam(s.lr), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
  const oneHot = tf.oneHot(s.batch.y as tf.Tensor1D, s.numClasses);
  const step = async () => {
    await model.trainOnBatch(s.batch.x, oneHot);
  };
  return {
    name: 'bare',
    what: 'tfjs `compile` (tf.train.adam, softmax cross-entropy) + `trainOnBatch` on pre-made tensors',
    warm: async () => (await step(), await step()),
    epoch: () => stepsEpoch(step, s),
    profileRun: (n) => repeat(step, n),
    dispose: () => {
      model.optimizer.dispose();
      model.dispose();
      oneHot.dispose();
    },
  };
}

/** The studio's step without its loop: one tape (forward, cross-entropy, gradients), loss read back, then an optimizer. */
export function tapeStep(s: LoopSetup, optimizer: 'adamw' | 'tf.train.adam'): LoopVariant {
  const grouped = smallCnn(s.numClasses, { seed: SEED });
  const groups = paramGroups(grouped);
  const vars = groups.flat().map((p) => p.variable);
  const loss = crossEntropyFlat();
  const adamw = optimizer === 'adamw' ? new AdamW(groups, { lr: s.lr }) : undefined;
  const adam = optimizer === 'tf.train.adam' ? tf.train.adam(s.lr) : undefined;
  const step = async () => {
    const { value, grads } = tf.variableGrads(() => loss.mean(grouped.model.apply(s.batch.x, { training: true }) as tf.Tensor, s.batch.y), vars);
    await value.data();
    if (adamw) adamw.step(grads);
    else adam?.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose([value, ...Object.values(grads)]);
  };
  return {
    name: optimizer === 'adamw' ? 'step + AdamW' : 'step + tf.train.adam',
    what: `\`tf.variableGrads\` of the studio's loss, then ${optimizer === 'adamw' ? "the studio's AdamW (wd 0.01)" : "tfjs's Adam"}; no Learner loop`,
    warm: async () => (await step(), await step()),
    epoch: () => stepsEpoch(step, s),
    profileRun: (n) => repeat(step, n),
    dispose: () => {
      adamw?.dispose();
      adam?.dispose();
      grouped.model.dispose();
    },
  };
}

/**
 * The studio's loop: `Learner.fit(1)` over `dls` (its AdamW, loss smoothing, recorder and
 * callbacks, weight snapshots each epoch); the validation pass is timed and subtracted.
 * `short(n)` gives loaders of `n` training batches and no validation, for warm-up and profiling.
 */
export function studioLoop(name: string, what: string, dls: DataLoaders, short: (steps: number) => DataLoaders, s: LoopSetup, wd = 0.01): LoopVariant {
  const grouped = smallCnn(dls.classes.length, { seed: SEED });
  const learn = new Learner(dls, grouped, { lr: s.lr, wd });
  let validClock = startClock();
  let valid = NO_TIME;
  const validTimer: Callback = {
    name: 'validTimer',
    beforeValidate: () => {
      validClock = startClock();
    },
    afterValidate: () => {
      valid = addLaps(valid, validClock());
    },
  };
  const fitSteps = async (n: number) => {
    // A short epoch for warm-up and profiling: the same model and optimizer state on a shorter loader.
    const saved = learn.dls;
    learn.replaceData(short(n));
    await learn.fit(1, s.lr);
    learn.replaceData(saved);
  };
  return {
    name,
    what,
    warm: () => fitSteps(2),
    epoch: async () => {
      valid = NO_TIME;
      const lap = startClock();
      await learn.fit(1, s.lr, { callbacks: [validTimer] });
      return { lap: subLaps(lap(), valid), images: dls.train.count };
    },
    profileRun: fitSteps,
    emptyEpoch: async () => {
      const lap = startClock();
      await fitSteps(0);
      return lap();
    },
    dispose: () => {
      learn.dispose();
      grouped.model.dispose();
    },
  };
}

async function repeat(step: () => Promise<void>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await step();
}

async function stepsEpoch(step: () => Promise<void>, s: LoopSetup): Promise<{ lap: Lap; images: number }> {
  const lap = startClock();
  await repeat(step, s.batches);
  return { lap: lap(), images: s.batches * s.batch.x.shape[0] };
}
