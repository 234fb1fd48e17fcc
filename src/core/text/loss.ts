/**
 * Softmax cross-entropy on sparse targets with one fused gradient, for the language model's
 * `[B, T, V]` logits. The studio's `crossEntropyFlat` goes through `logSoftmax` and a one-hot
 * product, whose backward pass runs `exp` over the logits again and several more passes over
 * `[B * T, V]`; here the forward pass keeps the softmax it computed and the gradient is
 * (softmax - onehot) / N, as in PyTorch's fused `cross_entropy`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Loss } from '../train/losses';

/** Mean over rows of -log softmax(logits)[target], logits `[N, V]`, targets int32 `[N]`. */
function meanSparseCe(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const n = logits.shape[0];
  const vocab = logits.shape[1];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const max = x.max(1, true);
    const e = x.sub(max).exp();
    const sum = e.sum(1, true);
    const probs = e.div(sum);
    save([probs, targets]);
    // -log p(target) = log(sum exp(x - max)) + max - x[target].
    const picked = tf.gather(x.reshape([-1]), tf.range(0, n, 1, 'int32').mul(tf.scalar(vocab, 'int32')).add(targets));
    const value = sum.log().add(max).reshape([n]).sub(picked).mean() as tf.Scalar;
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [saved[0].sub(tf.oneHot(saved[1] as tf.Tensor1D, vocab)).mul((dy as tf.Tensor).div(n))],
    };
  });
  return op(logits) as tf.Scalar;
}

/**
 * fastai's `CrossEntropyLossFlat` for token targets: logits `[..., V]`, int32 targets `[...]`,
 * the training mean through the fused op above; per item and activation as the shared loss.
 * @example sparseCrossEntropy().mean(logits, targets)
 */
export function sparseCrossEntropy(): Loss {
  const flat = (p: tf.Tensor, t: tf.Tensor) => [p.reshape([-1, p.shape[p.rank - 1]]) as tf.Tensor2D, t.reshape([-1]).toInt() as tf.Tensor1D] as const;
  return {
    name: 'cross_entropy',
    mean: (p, t) => tf.tidy(() => meanSparseCe(...flat(p, t))),
    perItem: (p, t) =>
      tf.tidy(() => {
        const nll = tf
          .logSoftmax(p)
          .mul(tf.oneHot(t.toInt(), p.shape[p.rank - 1]))
          .sum(-1)
          .neg();
        return (nll.rank > 1 ? nll.mean(Array.from({ length: nll.rank - 1 }, (_, i) => i + 1)) : nll) as tf.Tensor1D;
      }),
    activation: (p) => tf.tidy(() => tf.softmax(p)),
  };
}
