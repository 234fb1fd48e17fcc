import * as tf from '@tensorflow/tfjs';

/**
 * Building blocks shared by the architectures, shaped like fastai's `ConvLayer` (layers.py):
 * conv (no bias, batch norm follows) -> batch norm -> activation, kaiming-normal init.
 */

/** Hands out distinct initializer seeds so a model built with one seed is reproducible. */
export class Seeds {
  private n = 0;
  constructor(private readonly base: number) {}
  /** The next seed. */
  next(): number {
    this.n += 1;
    return (this.base * 7919 + this.n * 104729) % 2147483647;
  }
}

/** Options of one conv block. */
export interface ConvOptions {
  readonly filters: number;
  readonly kernel?: number;
  readonly stride?: number;
  /** Omit the activation (the last conv of a residual branch). */
  readonly act?: boolean;
  /** Start batch-norm gamma at 0 (fastai's `NormType.BatchZero`) so a residual branch starts as identity. */
  readonly zeroBn?: boolean;
}

/**
 * Batch norm with PyTorch's running-average momentum (0.1, i.e. keras momentum 0.9) and eps 1e-5,
 * so moving statistics catch up within the few hundred steps a browser run takes.
 */
export function batchNorm(name: string, zero = false): tf.layers.Layer {
  return tf.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-5, gammaInitializer: zero ? 'zeros' : 'ones' });
}

/** conv -> batch norm -> relu, applied to `x`; layers are named `${name}_conv`, `_bn`, `_relu`. */
export function convLayer(x: tf.SymbolicTensor, name: string, opts: ConvOptions, seeds: Seeds): tf.SymbolicTensor {
  const { filters, kernel = 3, stride = 1, act = true, zeroBn = false } = opts;
  const conv = tf.layers.conv2d({
    name: `${name}_conv`,
    filters,
    kernelSize: kernel,
    strides: stride,
    padding: 'same',
    useBias: false,
    kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
  });
  const y = batchNorm(`${name}_bn`, zeroBn).apply(conv.apply(x)) as tf.SymbolicTensor;
  return act ? (tf.layers.reLU({ name: `${name}_relu` }).apply(y) as tf.SymbolicTensor) : y;
}

/** The layers of a model whose names start with `prefix` (how the builders find a block's layers). */
export function layersWithPrefix(model: tf.LayersModel, prefix: string): tf.layers.Layer[] {
  return model.layers.filter((l) => l.name.startsWith(prefix));
}
