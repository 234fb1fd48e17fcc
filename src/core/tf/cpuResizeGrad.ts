import * as tf from '@tensorflow/tfjs';

/**
 * A correct CPU `ResizeNearestNeighborGrad`. The tfjs 4.22 CPU kernel reads dy at the *image's*
 * batch stride, so every image after the first gets another image's gradient (a U-Net's
 * upsampling layers trained wrong at batch > 1), and it ignores `halfPixelCenters`. This one
 * replays the forward kernel's source-pixel rule and adds each dy pixel to its source.
 */

interface CpuBackendLike {
  data: { get(id: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface ResizeGradAttrs {
  alignCorners: boolean;
  halfPixelCenters?: boolean;
}

/** The source index of each output index along one axis, exactly as the CPU forward kernel picks it. */
function sourceIndices(inSize: number, outSize: number, { alignCorners, halfPixelCenters = false }: ResizeGradAttrs): Int32Array {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  return Int32Array.from({ length: outSize }, (_, o) => {
    const frac = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    const near = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    return halfPixelCenters ? Math.max(0, near) : near;
  });
}

/** dx[b, rows[y], cols[x], c] += dy[b, y, x, c] over every dy pixel. */
function resizeNearestGrad(images: tf.TensorInfo, dy: tf.TensorInfo, attrs: ResizeGradAttrs, backend: CpuBackendLike): tf.TensorInfo {
  const [batch, inH, inW, depth] = images.shape;
  const [, outH, outW] = dy.shape;
  const rows = sourceIndices(inH, outH, attrs);
  const cols = sourceIndices(inW, outW, attrs);
  const dyv = backend.data.get(dy.dataId).values;
  const out = new Float32Array(batch * inH * inW * depth);
  let k = 0;
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < outH; y++) {
      const rowBase = (b * inH + rows[y]) * inW;
      for (let x = 0; x < outW; x++) {
        const base = (rowBase + cols[x]) * depth;
        for (let d = 0; d < depth; d++) out[base + d] += dyv[k++];
      }
    }
  return backend.makeTensorInfo(images.shape, 'float32', out);
}

let installed = false;

/** Replaces the CPU backend's `ResizeNearestNeighborGrad` with the correct one. Idempotent. */
export function installCpuResizeGrad(): void {
  if (installed || !tf.getKernel('ResizeNearestNeighborGrad', 'cpu')) return;
  tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
  tf.registerKernel({
    kernelName: 'ResizeNearestNeighborGrad',
    backendName: 'cpu',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
      return resizeNearestGrad(images, dy, attrs as unknown as ResizeGradAttrs, backend as unknown as CpuBackendLike);
    },
  });
  installed = true;
}
