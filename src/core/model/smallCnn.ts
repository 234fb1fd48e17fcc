import * as tf from '@tensorflow/tfjs';
import { Seeds, convLayer, layersWithPrefix } from './blocks';
import type { GroupedModel } from './types';

/** Options of `smallCnn`. */
export interface SmallCnnOptions {
  /** Filters of each stride-2 conv block. */
  readonly channels?: readonly number[];
  readonly seed?: number;
  /** Prefix of every layer name, so two models can live in one project. */
  readonly name?: string;
}

/**
 * A tiny CNN for quick runs: stride-2 conv-bn-relu blocks, global average pooling, one dense
 * layer giving `numOut` logits. The input is `[null, null, 3]`: global pooling makes the head
 * independent of the image size, so one model trains at 128 then 256 (progressive resizing).
 * Groups: [first half of the blocks, second half, head].
 * @example const { model } = smallCnn(2); // ~25k parameters, any input size
 */
export function smallCnn(numOut: number, opts: SmallCnnOptions = {}): GroupedModel {
  const { channels = [8, 16, 32, 64], seed = 42, name = 'cnn' } = opts;
  const seeds = new Seeds(seed);
  const input = tf.input({ shape: [null, null, 3], name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  channels.forEach((filters, i) => {
    x = convLayer(x, `${name}_b${i}`, { filters, stride: 2 }, seeds);
  });
  const pooled = tf.layers.globalAveragePooling2d({ name: `${name}_head_pool` }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: `${name}_head_fc`, units: numOut, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }) }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name });
  const half = Math.ceil(channels.length / 2);
  const blocks = (from: number, to: number) => channels.slice(from, to).flatMap((_, i) => layersWithPrefix(model, `${name}_b${from + i}_`));
  const groups = [blocks(0, half), blocks(half, channels.length), layersWithPrefix(model, `${name}_head_`)];
  return { model, layerGroups: groups.filter((g) => g.length > 0) };
}
