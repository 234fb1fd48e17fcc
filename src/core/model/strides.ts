import * as tf from '@tensorflow/tfjs';

/**
 * Resolution bookkeeping that works without known image sizes. Models take `[null, null, 3]`
 * inputs (any size, for progressive resizing), so a layer's output side is unknown when the
 * model is built; its *stride* (input side / output side) is known from the layer configs.
 */

/** How much one layer divides the resolution: conv/pool strides, 1 / factor for upsampling. */
export function layerStride(layer: tf.layers.Layer): number {
  const cfg = layer.getConfig() as { strides?: number | number[] | null; poolSize?: number | number[]; size?: number[] };
  const first = (v: number | number[] | null | undefined): number | null => (v == null ? null : Array.isArray(v) ? v[0] : v);
  switch (layer.getClassName()) {
    case 'Conv2D':
    case 'SeparableConv2D':
    case 'DepthwiseConv2D':
      return first(cfg.strides) ?? 1;
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      // keras: strides default to the pool size
      return first(cfg.strides) ?? first(cfg.poolSize) ?? 1;
    case 'UpSampling2D':
      return 1 / (first(cfg.size) ?? 2);
    case 'Conv2DTranspose':
      return 1 / (first(cfg.strides) ?? 1);
    default:
      return 1;
  }
}

/**
 * Total stride of a symbolic tensor from the model input: the product of the layer strides along
 * its path (the largest over a layer's inputs, which agree in a well-formed network).
 * @example strideOf(body.outputs[0]); // 16 for a body with four stride-2 convs
 */
export function strideOf(t: tf.SymbolicTensor, memo: Map<number, number> = new Map()): number {
  const known = memo.get(t.id);
  if (known !== undefined) return known;
  const inputs = t.inputs ?? [];
  const before = inputs.length === 0 ? 1 : Math.max(...inputs.map((i) => strideOf(i, memo)));
  const s = t.sourceLayer && inputs.length > 0 ? before * layerStride(t.sourceLayer) : before;
  memo.set(t.id, s);
  return s;
}

/** True when the layer outputs one 4-D feature map `[B, H, W, C]` (whatever H and W are). */
export function isFeatureMap(layer: tf.layers.Layer): boolean {
  const shape = layer.outputShape;
  return Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4 && layer.getClassName() !== 'InputLayer';
}
