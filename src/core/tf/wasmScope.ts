import * as tf from '@tensorflow/tfjs';

/**
 * Composing the wasm backend's own kernels into new ones. A kernel function receives and returns
 * plain `TensorInfo`s, outside the engine's bookkeeping, so intermediates must be freed by hand;
 * `WasmScope` records every kernel output and frees all but the result.
 */

type Inputs = tf.NamedTensorInfoMap | readonly tf.TensorInfo[];

/** Calls registered 'wasm' kernels and remembers their outputs so they can be freed together. */
export class WasmScope {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(readonly backend: tf.KernelBackend) {}

  /** Runs one registered wasm kernel; its output is freed by `disposeAllBut` unless returned. */
  run(kernelName: string, inputs: Inputs, attrs: object = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`The wasm backend has no '${kernelName}' kernel to build on.`);
    // Concat and AddN take an array as their inputs map, as tfjs-core's ops pass them.
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend });
    const info = Array.isArray(out) ? out[0] : out;
    this.temps.push(info);
    return info;
  }

  /** `x` reshaped: shares x's memory (the wasm Reshape only counts a reference). */
  reshape(x: tf.TensorInfo, shape: readonly number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Frees every recorded output except `keep`. */
  disposeAllBut(keep: tf.TensorInfo | undefined): void {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/**
 * Runs `body` with a fresh scope and frees its intermediates, also when it throws. `body` must
 * return a new output (of `scope.run` or another kernel), never one of the kernel's inputs
 * (tfjs owns those).
 */
export function withWasmScope(backend: tf.KernelBackend, body: (scope: WasmScope) => tf.TensorInfo): tf.TensorInfo {
  const scope = new WasmScope(backend);
  let result: tf.TensorInfo | undefined;
  try {
    result = body(scope);
    return result;
  } finally {
    scope.disposeAllBut(result);
  }
}

/**
 * Rows `[h0, h0 + hLen)` and columns `[w0, w0 + wLen)` of an NHWC tensor, reading zeros outside
 * it (starts may be negative, ends past the edge): a crop then a zero pad, each skipped when
 * not needed. Returns `x` itself when the window is exactly x.
 */
export function spatialWindow(s: WasmScope, x: tf.TensorInfo, h0: number, hLen: number, w0: number, wLen: number): tf.TensorInfo {
  const [, h, w] = x.shape;
  const top = Math.max(0, h0);
  const left = Math.max(0, w0);
  const bottom = Math.max(top, Math.min(h, h0 + hLen));
  const right = Math.max(left, Math.min(w, w0 + wLen));
  let out = x;
  if (top > 0 || left > 0 || bottom < h || right < w) out = s.run('Slice', { x }, { begin: [0, top, left, 0], size: [-1, bottom - top, right - left, -1] });
  const pads = [
    [0, 0],
    [top - h0, h0 + hLen - bottom],
    [left - w0, w0 + wLen - right],
    [0, 0],
  ];
  if (pads.some(([a, b]) => a > 0 || b > 0)) out = s.run('PadV2', { x: out }, { paddings: pads, constantValue: 0 });
  return out;
}

/** The conv geometry the gradient kernels need, from tfjs's own `Conv2DInfo`. */
export type ConvGeometry = Pick<
  tf.backend_util.Conv2DInfo,
  'inHeight' | 'inWidth' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'padInfo'
>;

/**
 * The input padded (or cropped) to exactly what the conv's filter windows cover:
 * `(outH - 1) * strideH + (fh - 1) * dilationH + 1` rows from row `-padTop`, and likewise columns.
 * Window (y, x) then starts at row y * strideH, column x * strideW.
 */
export function padForWindows(s: WasmScope, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const needH = (g.outHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1;
  const needW = (g.outWidth - 1) * g.strideWidth + (g.filterWidth - 1) * g.dilationWidth + 1;
  return spatialWindow(s, x, -g.padInfo.top, needH, -g.padInfo.left, needW);
}

/**
 * The upstream gradient of a strided conv laid back on the input grid, framed so that a stride-1
 * 'valid' conv with the spatially flipped filter gives the input gradient:
 * dx[h] = sum over r of dy-spread[h + top - r*d] * W[r] = sum over r' of E[h + r'*d] * Wflip[r'],
 * with E[j] = dy-spread[j + top - (fh - 1) * d]. dy-spread has dy[y] at row y * stride and zeros
 * between (two rank-4 pads, one per axis).
 */
export function inputGradWindow(s: WasmScope, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const [b, oh, ow, c] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = g;
  let spread = dy;
  if (sw > 1) {
    const cols = s.run(
      'PadV2',
      { x: s.reshape(spread, [b * oh, ow, 1, c]) },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    spread = s.reshape(cols, [b, oh, ow * sw, c]);
  }
  if (sh > 1) {
    const rows = s.run(
      'PadV2',
      { x: s.reshape(spread, [b, oh, 1, ow * sw * c]) },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    spread = s.reshape(rows, [b, oh * sh, ow * sw, c]);
  }
  // The trailing zero rows of the spread are past every window; spatialWindow crops what is not needed.
  return spatialWindow(s, spread, g.padInfo.top - (fh - 1) * dh, g.inHeight + (fh - 1) * dh, g.padInfo.left - (fw - 1) * dw, g.inWidth + (fw - 1) * dw);
}
