import * as tf from '@tensorflow/tfjs';
import { Seeds, batchNorm } from './blocks';

/** Options of `createHead`; defaults are fastai's `create_head`. */
export interface HeadOptions {
  /** Hidden width (fastai: 512); smaller suits tiny browser models. */
  readonly hidden?: number;
  /** Dropout of the last layer; the first gets half (fastai: ps=0.5 -> 0.25, 0.5). */
  readonly ps?: number;
  /** Max and average pooling side by side (fastai's `AdaptiveConcatPool2d`). */
  readonly concatPool?: boolean;
  /** Output activation: none for logits, tanh for points in [-1, 1]. */
  readonly final?: 'linear' | 'tanh';
  readonly seed?: number;
  /** Layer-name prefix. */
  readonly name?: string;
}

/** A head ready to apply to a feature map; its layers form the last layer group. */
export interface Head {
  readonly layers: tf.layers.Layer[];
  apply(features: tf.SymbolicTensor): tf.SymbolicTensor;
}

/**
 * fastai's `create_head(nf, n_out)`: concat pool (2nf features) -> batchnorm -> dropout(ps/2) ->
 * dense(hidden, no bias) -> relu -> batchnorm -> dropout(ps) -> dense(numOut, no bias).
 * @example const head = createHead(64, 10, { hidden: 128 }); const out = head.apply(body.outputs[0]);
 */
export function createHead(nf: number, numOut: number, opts: HeadOptions = {}): Head {
  const { hidden = 512, ps = 0.5, concatPool = true, final = 'linear', seed = 7, name = 'head' } = opts;
  const seeds = new Seeds(seed);
  const he = () => tf.initializers.heNormal({ seed: seeds.next() });
  const maxPool = tf.layers.globalMaxPooling2d({ name: `${name}_maxpool` });
  const avgPool = tf.layers.globalAveragePooling2d({ name: `${name}_avgpool` });
  const concat = tf.layers.concatenate({ name: `${name}_concat` });
  const seq: tf.layers.Layer[] = [
    batchNorm(`${name}_bn1`),
    tf.layers.dropout({ name: `${name}_drop1`, rate: ps / 2 }),
    tf.layers.dense({ name: `${name}_fc1`, units: hidden, useBias: false, kernelInitializer: he() }),
    tf.layers.reLU({ name: `${name}_relu` }),
    batchNorm(`${name}_bn2`),
    tf.layers.dropout({ name: `${name}_drop2`, rate: ps }),
    tf.layers.dense({ name: `${name}_fc2`, units: numOut, useBias: false, kernelInitializer: he(), activation: final }),
  ];
  return {
    layers: concatPool ? [maxPool, avgPool, concat, ...seq] : [avgPool, ...seq],
    apply(features) {
      if (features.shape[3] !== nf) throw new Error(`The head expects ${nf} feature channels but the body gives ${features.shape[3]}.`);
      const pooled = concatPool ? (concat.apply([maxPool.apply(features) as tf.SymbolicTensor, avgPool.apply(features) as tf.SymbolicTensor]) as tf.SymbolicTensor) : (avgPool.apply(features) as tf.SymbolicTensor);
      return seq.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, pooled);
    },
  };
}
