import * as tf from '@tensorflow/tfjs';
import type { DataLoader } from '../data/batch';
import type { Loss } from './losses';

/** Predictions over a whole loader (fastai's `get_preds(with_loss=True)`); the caller disposes the tensors. */
export interface Preds {
  /** Activated outputs: probabilities (single, multi, segmentation) or coordinates (points). */
  readonly probs: tf.Tensor;
  readonly targets: tf.Tensor;
  /** Loss of each item, in loader order. */
  readonly losses: Float32Array;
}

/** Model outputs in inference mode (batch norm uses running statistics, dropout is off). */
export function forward(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}

/**
 * Runs the model over every batch of `loader` (epoch 0 order) and gathers outputs, targets and
 * per-item losses.
 */
export async function getPreds(model: tf.LayersModel, loss: Loss, loader: DataLoader): Promise<Preds> {
  const probs: tf.Tensor[] = [];
  const targets: tf.Tensor[] = [];
  const losses: number[] = [];
  for await (const { x, y } of loader.batches(0)) {
    const [p, l] = tf.tidy(() => {
      const out = forward(model, x);
      return [loss.activation(out), loss.perItem(out, y)];
    });
    probs.push(p);
    targets.push(y);
    losses.push(...(await l.data()));
    tf.dispose([x, l]);
  }
  if (probs.length === 0) throw new Error('The loader yielded no batches, so there is nothing to predict.');
  const result = { probs: tf.concat(probs), targets: tf.concat(targets), losses: Float32Array.from(losses) };
  tf.dispose([...probs, ...targets]);
  return result;
}
