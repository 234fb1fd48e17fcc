import * as tf from '@tensorflow/tfjs';
import { depthwiseBlocked, depthwiseFilterGradInto, depthwiseInterior } from './wasmHeapKernels';
import { heapOffset, simdKernelsFor, withHeapDoubles } from './simd/simdKernels';
import { inputGradWindow, padForWindows, withWasmScope } from './wasmScope';

/**
 * Convolution gradients for the wasm backend, each written as one forward convolution of the
 * wasm backend itself (XNNPACK) plus cheap transposes and pads. tfjs-backend-wasm 4.22 has no
 * filter gradients at all (tfjs issue 8474), and its Conv2DBackpropInput is a plain C++ loop
 * that took ~25% of a small CNN's step. Only NHWC, as the wasm convolutions themselves.
 */

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Pair = number | [number, number];
type Rounding = 'floor' | 'round' | 'ceil';
type Args = Parameters<tf.KernelFunc>[0];
type Shape4 = [number, number, number, number];

interface FilterGradAttrs {
  strides: Pair;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
  dilations?: Pair;
  filterShape: Shape4;
}

interface InputGradAttrs {
  strides: Pair;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
  dilations?: Pair;
  inputShape: Shape4;
}

/** What the heap loops use of tfjs-backend-wasm's `BackendWasm`. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

function nhwcOnly(kernel: string, format: string | undefined): void {
  if (format === 'NCHW') throw new Error(`The wasm ${kernel} kernel supports NHWC (channels-last) data only.`);
}

/**
 * `Conv2DBackpropFilter`: dW[r, c, i, o] = sum over (b, y, x) of xpad[b, y*sh + r, x*sw + c, i] *
 * dy[b, y, x, o]. That is itself a convolution with the roles swapped: input channels as the
 * batch, the batch as the channels, dy as the filter and the stride as its dilation:
 * conv(xpadᵀ [inC, Hp, Wp, B], dyᵀ [oh, ow, B, outC], dilation (sh, sw)) is [inC, fh, fw, outC]
 * when xpad covers exactly the filter windows (`padForWindows`).
 */
export function conv2dBackpropFilterWasm({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradAttrs;
  nhwcOnly('Conv2DBackpropFilter', a.dataFormat);
  const g = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
  if (isPointwise(g)) return pointwiseFilterGrad(backend as tf.KernelBackend, x, dy);
  return withWasmScope(backend as tf.KernelBackend, (s) => {
    const xT = s.run('Transpose', { x: padForWindows(s, x, g) }, { perm: [3, 1, 2, 0] });
    const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    // A filter dilation d becomes the swapped conv's stride (tfjs's conv2d gradient requires d = 1).
    const dwT = s.run('Conv2D', { x: xT, filter: dyT }, { strides: [g.dilationHeight, g.dilationWidth], pad: 'valid', dilations: [g.strideHeight, g.strideWidth], dataFormat: 'NHWC' });
    return s.run('Transpose', { x: dwT }, { perm: [1, 2, 0, 3] });
  });
}

/** A 1x1 conv with stride 1 and no padding: a matrix product over the pixels. */
function isPointwise(g: tf.backend_util.Conv2DInfo): boolean {
  const p = g.padInfo;
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
}

/**
 * The filter gradient of a pointwise conv: dW = xᵀ dy over the N = B*H*W pixels, one 2-D
 * transpose and one XNNPACK matrix product, 3-14x faster than the swapped conv whose filter is
 * the whole dy. The transpose is the cost to avoid: the wasm Transpose of an [N, C] matrix takes
 * ~1.5 ns per element for a narrow C but 15-20 ns for a wide one when N is a power of two (each
 * written row lands in the same cache set), while XNNPACK packs the right-hand matrix, however
 * wide, in a fraction of that. So the narrower of x and dy is transposed: dW = xᵀ dy when x has
 * fewer channels, else dWᵀ = dyᵀ x and a transpose of the small result. Measured for
 * [65536, 16] x [65536, 96]: 29 ms against 87 ms the other way round.
 */
function pointwiseFilterGrad(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const ci = x.shape[3];
  const co = dy.shape[3];
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  return withWasmScope(backend, (s) => {
    const product = (left: tf.TensorInfo, lc: number, right: tf.TensorInfo, rc: number) => {
      const leftT = s.run('Transpose', { x: s.reshape(left, [n, lc]) }, { perm: [1, 0] });
      return s.run('BatchMatMul', { a: s.reshape(leftT, [1, lc, n]), b: s.reshape(right, [1, n, rc]) }, { transposeA: false, transposeB: false });
    };
    if (ci <= co) return s.reshape(product(x, ci, dy, co), [1, 1, ci, co]);
    const dwT = s.reshape(product(dy, co, x, ci), [co, ci]);
    return s.reshape(s.run('Transpose', { x: dwT }, { perm: [1, 0] }), [1, 1, ci, co]);
  });
}

/**
 * `Conv2DBackpropInput`: dx = a stride-1 'valid' conv of dy spread out by the stride and framed
 * by `inputGradWindow`, with the filter flipped in space and its in/out channels swapped.
 */
export function conv2dBackpropInputWasm({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as InputGradAttrs;
  nhwcOnly('Conv2DBackpropInput', a.dataFormat);
  const g = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
  return withWasmScope(backend as tf.KernelBackend, (s) => {
    const flipped = s.run('Transpose', { x: s.run('Reverse', { x: filter }, { dims: [0, 1] }) }, { perm: [0, 1, 3, 2] });
    return s.run('Conv2D', { x: inputGradWindow(s, dy, g), filter: flipped }, { strides: [1, 1], pad: 'valid', dilations: [g.dilationHeight, g.dilationWidth], dataFormat: 'NHWC' });
  });
}

/**
 * `DepthwiseConv2dNativeBackpropFilter`: dW[r, c, i, m] = sum over (b, y, x) of
 * xpad[b, y*sh + r*dh, x*sw + c*dw, i] * dy[b, y, x, i*M + m]. MobileNet's shape (3x3, one output
 * channel per input channel, channels a multiple of 4) is a loop over the heap with the taps in
 * local accumulators (`depthwiseFilterGradInto`): 1.7-2.9x faster than the swapped convolution
 * below, whose "filter" is all of dy and is packed afresh by XNNPACK on every call. Any other
 * shape: a depthwise conv over B*inC channels (batch and channel side by side, one image) with
 * dy as the filter, then a sum over the batch.
 */
export function depthwiseBackpropFilterWasm({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradAttrs;
  const g = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const [fh, fw, ci, m] = a.filterShape;
  if (depthwiseBlocked(g) && x.dtype === 'float32') {
    const b = backend as unknown as HeapBackend;
    const out = b.makeOutput([fh, fw, ci, m], 'float32');
    const simd = fh === 3 ? simdKernelsFor(backend as tf.KernelBackend) : null;
    if (!simd) {
      depthwiseFilterGradInto(b.typedArrayFromHeap(x), b.typedArrayFromHeap(dy), g, b.typedArrayFromHeap(out));
      return out;
    }
    // SIMD sums the columns where every tap is inside x; the loop in JavaScript the row ends.
    const kb = backend as tf.KernelBackend;
    const { lo, hi } = depthwiseInterior(g);
    withHeapDoubles(kb, fh * fw * ci, (acc, sums) => {
      simd.depthwiseFilterGrad3(
        heapOffset(kb, x),
        heapOffset(kb, dy),
        acc,
        g.batchSize,
        g.inHeight,
        g.inWidth,
        ci,
        g.outHeight,
        g.outWidth,
        g.strideHeight,
        g.strideWidth,
        g.dilationHeight,
        g.dilationWidth,
        g.padInfo.top,
        g.padInfo.left,
        lo,
        hi,
      );
      const o = b.typedArrayFromHeap(out);
      depthwiseFilterGradInto(b.typedArrayFromHeap(x), b.typedArrayFromHeap(dy), g, o, true);
      const interior = sums();
      for (let i = 0; i < o.length; i++) o[i] += interior[i];
    });
    return out;
  }
  const b = g.batchSize;
  return withWasmScope(backend as tf.KernelBackend, (s) => {
    const xp = padForWindows(s, x, g);
    // [B, Hp, Wp, inC] -> [1, Hp, Wp, B*inC]; dy [B, oh, ow, inC*M] -> [oh, ow, B*inC, M].
    const xT = s.reshape(s.run('Transpose', { x: xp }, { perm: [1, 2, 0, 3] }), [1, xp.shape[1], xp.shape[2], b * ci]);
    const dyT = s.reshape(s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }), [g.outHeight, g.outWidth, b * ci, m]);
    const perImage = s.run('DepthwiseConv2dNative', { x: xT, filter: dyT }, { strides: [g.dilationHeight, g.dilationWidth], pad: 'valid', dilations: [g.strideHeight, g.strideWidth] });
    const summed = s.run('Sum', { x: s.reshape(perImage, [fh, fw, b, ci * m]) }, { axis: [2], keepDims: false });
    return s.reshape(summed, [fh, fw, ci, m]);
  });
}

/**
 * `DepthwiseConv2dNativeBackpropInput`: a stride-1 depthwise conv of the framed, spread dy with
 * the flipped filter (one filter per dy channel), then the M products of each input channel summed.
 */
export function depthwiseBackpropInputWasm({ inputs, attrs, backend }: Args): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as InputGradAttrs;
  const [fh, fw, ci, m] = filter.shape;
  const g = tf.backend_util.computeConv2DInfo(a.inputShape, [fh, fw, ci, m], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  return withWasmScope(backend as tf.KernelBackend, (s) => {
    const flipped = s.reshape(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [fh, fw, ci * m, 1]);
    const out = s.run('DepthwiseConv2dNative', { x: inputGradWindow(s, dy, g), filter: flipped }, { strides: [1, 1], pad: 'valid', dilations: [g.dilationHeight, g.dilationWidth] });
    if (m === 1) return out;
    return s.run('Sum', { x: s.reshape(out, [g.batchSize, g.inHeight, g.inWidth, ci, m]) }, { axis: [4], keepDims: false });
  });
}
