/**
 * The embedding lookup and the dropout masks of the AWD-LSTM, written so that training runs on
 * every backend the studio uses, wasm included.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The gradient of a lookup, dL/dW[v] = sum of dy over the positions holding token v, scattered
 * into a `[V, E]` matrix. tfjs's own `gather` gradient is `UnsortedSegmentSum`, which
 * tfjs-backend-wasm 4.22 does not have (training an embedding there fails), and which the cpu
 * backend runs as one masked sum over all N rows per vocabulary entry, O(V * N * E) (a 3,000-word
 * LM step took 111 s). On those two backends the tensors live in main memory, so the scatter-add
 * runs here in JavaScript in O(N * E); GPU backends use their kernel.
 */
function lookupGrad(dy: tf.Tensor2D, ids: tf.Tensor1D, vocabSize: number): tf.Tensor2D {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu' && tf.getKernel('UnsortedSegmentSum', backend) != null) return tf.unsortedSegmentSum(dy, ids, vocabSize);
  const emb = dy.shape[1];
  const g = dy.dataSync();
  const idx = ids.dataSync();
  const out = new Float32Array(vocabSize * emb);
  for (let n = 0; n < idx.length; n++) {
    const row = idx[n] * emb;
    const src = n * emb;
    for (let e = 0; e < emb; e++) out[row + e] += g[src + e];
  }
  return tf.tensor2d(out, [vocabSize, emb]);
}

/**
 * Rows of `weight` at `ids` (any shape), with a gradient that works on wasm.
 * @example embeddingLookup(w, x) // [B, T, E] from w [V, E] and x int32 [B, T]
 */
export function embeddingLookup(weight: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  const flat = ids.reshape([-1]) as tf.Tensor1D;
  const vocabSize = weight.shape[0];
  // `flat` is not an input of the custom op, so it is saved (kept alive) for the backward pass.
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[1] as tf.GradSaveFunc;
    save([flat]);
    return {
      value: tf.gather(args[0] as tf.Tensor, flat),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => lookupGrad(dy as tf.Tensor2D, saved[0] as tf.Tensor1D, vocabSize),
    };
  });
  const rows = lookup(weight) as tf.Tensor2D;
  return rows.reshape([...ids.shape, weight.shape[1]]);
}

/** A seeded source of seeds for tfjs's random ops, so a fit's dropout is the same on every run. */
export class SeedStream {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** The next seed (a linear congruential step: integer arithmetic, the same in every engine). */
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state;
  }
}

/**
 * A dropout mask: 1 / (1 - p) with probability 1 - p, else 0, so the expected value is 1.
 * Broadcast it over the axes of size 1 in `shape` (RNNDropout's mask is `[B, 1, F]`: the same
 * units dropped at every time step, Gal & Ghahramani's variational dropout).
 */
export function dropoutMask(shape: number[], p: number, seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf
      .randomUniform(shape, 0, 1, 'float32', seed)
      .greaterEqual(p)
      .toFloat()
      .div(1 - p),
  );
}

/** `x * mask` in training with p > 0; `x` itself otherwise. */
export function maybeDrop(x: tf.Tensor, p: number, training: boolean, maskShape: number[], seeds: SeedStream): tf.Tensor {
  if (!training || p <= 0) return x;
  return x.mul(dropoutMask(maskShape, p, seeds.next()));
}
