import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, depthwiseBackpropFilterWasm, depthwiseBackpropInputWasm } from './wasmConvGrads';
import { CHANNEL_GRAD_SUMS, RELU6_GRAD, channelGradSumsWasm, relu6GradWasm } from './wasmHeapKernels';
import { positiveMaxPoolGradWasm } from './wasmMaxPoolGrad';
import { transformWasm } from './transformKernel';
import { batchNormWasm } from './wasmBatchNorm';
import { transposeWasm } from './wasmTranspose';
import { identityWasm, sliceWasm, splitVWasm } from './wasmSlice';
import { broadcastCompareWasm, broadcastTileWasm } from './wasmTile';

/**
 * Gradient kernels tfjs-backend-wasm 4.22 does not register, found by running training (fit,
 * LR finder, freeze/unfreeze, every task) of every architecture (small CNN, xresnet, transfer
 * head, U-Net) on wasm:
 * - `Conv2DBackpropFilter`: every conv layer's weight gradient (tfjs issue 8474), the only one
 *   the studio's own models miss;
 * - `DepthwiseConv2dNativeBackpropFilter` / `...Input`: a dropped MobileNet-style backbone has
 *   depthwise convs, and unfreezing it needs them.
 * AvgPoolGrad, ResizeNearestNeighborGrad and the rest are in the wasm backend (MaxPoolGrad too,
 * but wrong, see below); batch norm's gradient is plain arithmetic.
 * Two studio kernels (no tfjs op calls them; `trainingOps.ts` does) do in one pass over the heap
 * what tfjs's gradients compose from many kernels: ReLU6's gradient, and batch norm's
 * per-channel sums for its scale and shift.
 */
export const WASM_MISSING_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilterWasm },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInputWasm },
  { kernelName: RELU6_GRAD, backendName: 'wasm', kernelFunc: relu6GradWasm },
  { kernelName: CHANNEL_GRAD_SUMS, backendName: 'wasm', kernelFunc: channelGradSumsWasm },
];

/**
 * Stock wasm kernels swapped out. `MaxPoolGrad` gives wrong gradients for windows without a
 * positive value (`wasmMaxPoolGrad.ts`). The others are for speed, from a profile of a small-CNN
 * step at batch 64: `Conv2DBackpropInput` is a plain C++ loop (~20% of the step, 3-11x slower
 * than one XNNPACK conv), `Tile` walks coordinates per element (~20%, all from batch norm's
 * gradient; here a broadcasting Add), and `Transform` (augmentation's resampling) recomputes the
 * projection per channel (here once per pixel, in JavaScript on the heap: 3x faster). The
 * comparisons broadcast per element in C++ (the max pool gradient of fastai's head: 25-70x
 * slower than equal shapes); here XNNPACK broadcasts first. `Slice` and `SplitV` read their
 * whole input out of the heap for every slice, and `Identity` copies (`wasmSlice.ts`). `FusedBatchNorm` indexes its
 * channel per element in C++ (`wasmBatchNorm.ts`). `Transpose` writes a float at a time; a swap
 * of two blocks of axes goes to the SIMD kernel (`wasmTranspose.ts`).
 */
const WASM_REPLACED: readonly { readonly kernelName: string; readonly make: (original: tf.KernelFunc) => tf.KernelFunc }[] = [
  { kernelName: 'MaxPoolGrad', make: positiveMaxPoolGradWasm },
  { kernelName: 'Conv2DBackpropInput', make: () => conv2dBackpropInputWasm },
  { kernelName: 'Tile', make: broadcastTileWasm },
  { kernelName: 'Transform', make: transformWasm },
  { kernelName: 'Slice', make: sliceWasm },
  { kernelName: 'SplitV', make: splitVWasm },
  { kernelName: 'Identity', make: identityWasm },
  { kernelName: 'FusedBatchNorm', make: batchNormWasm },
  { kernelName: 'Transpose', make: transposeWasm },
  ...['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'].map((kernelName) => ({ kernelName, make: broadcastCompareWasm })),
];

let replaced = false;

/**
 * Registers `WASM_MISSING_KERNELS` for 'wasm' (leaving any a later tfjs-backend-wasm ships
 * alone) and, once the wasm package is loaded, swaps in the fixed `MaxPoolGrad` and the faster
 * `Conv2DBackpropInput` and `Tile`. Idempotent; affects only the 'wasm' backend.
 * @example await import('@tensorflow/tfjs-backend-wasm'); installWasmTrainingKernels(); await tf.setBackend('wasm');
 */
export function installWasmTrainingKernels(): void {
  for (const config of WASM_MISSING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
  // Replacements need the package's own kernels registered first (its import does that).
  if (replaced || tf.getKernel('Tile', 'wasm') == null) return;
  for (const { kernelName, make } of WASM_REPLACED) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    // Keep the original's setup (it binds the C++ function the fallback path calls).
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) });
  }
  replaced = true;
}
