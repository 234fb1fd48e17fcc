import * as tf from '@tensorflow/tfjs';
import { installBroadcastCpuKernels } from './broadcastKernels';
import { installCpuResizeGrad } from './cpuResizeGrad';
import { transformCpu } from './transformKernel';

/**
 * Faster CPU kernels for training. The tfjs CPU backend computes the conv filter gradient with
 * `TensorBuffer.get` per element, which made it ~90% of a training step (3.4 s of ~4 s for a
 * batch of 64 at 28x28). The replacement walks flat arrays in memory order.
 */

interface CpuBackendLike {
  data: { get(id: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

let installed = false;

/** Whether the CPU backend's `Transform` is the studio's batch-wide one. */
export function cpuTransformInstalled(): boolean {
  return installed;
}

/**
 * Swaps the CPU backend's `Conv2DBackpropFilter` for a flat-array version (same formula,
 * NHWC only; NCHW falls back to the original), installs the faster broadcast arithmetic
 * of `broadcastKernels.ts`, the corrected upsampling gradient of `cpuResizeGrad.ts` and a
 * batch-wide `Transform` (`transformKernel.ts`).
 * Idempotent; affects only the 'cpu' backend.
 */
export function installFastCpuKernels(): void {
  if (installed) return;
  // Batch norm's per-channel arithmetic dominates small-CNN steps on the stock CPU kernels.
  installBroadcastCpuKernels();
  // Not a speed-up but a fix: the stock kernel mixes up images at batch > 1 (U-Net decoders).
  installCpuResizeGrad();
  // A fix and a speed-up: the stock Transform resamples only a batch's first image.
  const transform = tf.getKernel('Transform', 'cpu');
  if (transform) {
    tf.unregisterKernel('Transform', 'cpu');
    tf.registerKernel({ kernelName: 'Transform', backendName: 'cpu', kernelFunc: transformCpu(transform.kernelFunc as tf.KernelFunc) });
  }
  const original = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!original) return;
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'cpu',
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as FilterGradAttrs;
      if (attrs.dataFormat === 'NCHW') return original.kernelFunc(args);
      const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      return conv2dFilterGrad(x, dy, attrs, args.backend as unknown as CpuBackendLike);
    },
  });
  installed = true;
}

/** dW[r, c, i, o] = sum over b, y, x of input[b, y*sh + r - top, x*sw + c - left, i] * dy[b, y, x, o]. */
function conv2dFilterGrad(x: tf.TensorInfo, dy: tf.TensorInfo, attrs: FilterGradAttrs, backend: CpuBackendLike): tf.TensorInfo {
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const xv = backend.data.get(x.dataId).values;
  const dyv = backend.data.get(dy.dataId).values;
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(fh * fw * ci * co);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyOff = ((b * outHeight + oy) * outWidth + ox) * co;
        for (let r = 0; r < fh; r++) {
          const iy = oy * sh + r - top;
          if (iy < 0 || iy >= inHeight) continue;
          for (let c = 0; c < fw; c++) {
            const ix = ox * sw + c - left;
            if (ix < 0 || ix >= inWidth) continue;
            accumulate(acc, xv, dyv, ((b * inHeight + iy) * inWidth + ix) * ci, dyOff, (r * fw + c) * ci * co, ci, co);
          }
        }
      }
    }
  }
  return backend.makeTensorInfo(attrs.filterShape, 'float32', Float32Array.from(acc));
}

/** acc[w + i*co + o] += x[xOff + i] * dy[dyOff + o] for every input channel i and output channel o. */
function accumulate(acc: Float64Array, xv: ArrayLike<number>, dyv: ArrayLike<number>, xOff: number, dyOff: number, wOff: number, ci: number, co: number): void {
  for (let i = 0; i < ci; i++) {
    const v = xv[xOff + i];
    if (v === 0) continue;
    const base = wOff + i * co;
    for (let o = 0; o < co; o++) acc[base + o] += v * dyv[dyOff + o];
  }
}
