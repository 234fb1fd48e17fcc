import * as tf from '@tensorflow/tfjs';

/**
 * `Slice`, `SplitV` and `Identity` for the wasm backend, copying on its heap or not at all. The stock kernels first read
 * the whole input out of the heap into a fresh JavaScript array (`readSync`), for every slice:
 * splitting AdamW's flat 513,728 weights into a MobileNetV2's 108 parameters copied 200 MB
 * (70-250 ms a step), and the zero-padding gradient of a stride-2 depthwise conv
 * ([16, 65, 65, 96] to [16, 64, 64, 96]) then made 65,536 typed-array views of 96 floats
 * (10-170 ms). Here every run of contiguous elements (the trailing axes the slice keeps whole,
 * times the first one it cuts) is one `copyWithin` inside the heap.
 */

type Args = Parameters<tf.KernelFunc>[0];
type HeapArray = Float32Array | Int32Array | Uint8Array;

/** What these kernels use of tfjs-backend-wasm's `BackendWasm`. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): HeapArray;
  incRef(dataId: tf.DataId): void;
}

/** Runs shorter than this are copied element by element: a `copyWithin` call costs more. */
const MIN_COPY_RUN = 16;

/**
 * Copies the box `[begin, begin + size)` of a row-major array of `shape` starting at element
 * `src` of `heap` into the dense array starting at element `dst`. `heap` is one view of the whole
 * buffer, so source and destination are indices into it.
 */
export function copySliceInto(heap: HeapArray, src: number, dst: number, shape: readonly number[], begin: readonly number[], size: readonly number[]): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  // The run: trailing axes kept whole, times the size along the first axis (from the end) cut.
  let cut = rank - 1;
  let run = 1;
  while (cut >= 0 && size[cut] === shape[cut]) run *= size[cut--];
  if (cut < 0) {
    heap.copyWithin(dst, src, src + run);
    return;
  }
  run *= size[cut];
  let from = src + begin[cut] * strides[cut];
  for (let d = 0; d < cut; d++) from += begin[d] * strides[d];
  let outer = 1;
  for (let d = 0; d < cut; d++) outer *= size[d];
  // An odometer over the axes before `cut`: `index` is the position inside the box.
  const index = new Array<number>(cut).fill(0);
  let to = dst;
  for (let k = 0; k < outer; k++) {
    if (run >= MIN_COPY_RUN) heap.copyWithin(to, from, from + run);
    else for (let i = 0; i < run; i++) heap[to + i] = heap[from + i];
    to += run;
    for (let d = cut - 1; d >= 0; d--) {
      from += strides[d];
      if (++index[d] < size[d]) break;
      from -= size[d] * strides[d];
      index[d] = 0;
    }
  }
}

function heapOf(b: WasmHeapBackend, t: tf.TensorInfo): { heap: HeapArray; at: number } {
  const view = b.typedArrayFromHeap(t);
  const Ctor = view.constructor as new (buffer: ArrayBufferLike) => HeapArray;
  return { heap: new Ctor(view.buffer), at: view.byteOffset / view.BYTES_PER_ELEMENT };
}

function sliceOnHeap(b: WasmHeapBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = b.makeOutput(size, x.dtype);
  if (size.some((s) => s === 0)) return out;
  // Views after the allocation: growing the heap detaches older ones.
  const { heap, at: dst } = heapOf(b, out);
  copySliceInto(heap, heapOf(b, x).at, dst, x.shape, begin, size);
  return out;
}

const onHeap = (x: tf.TensorInfo) => x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';

/** The wasm `Slice`: strings and complex numbers go to `original`. */
export function sliceWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (!onHeap(x)) return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceOnHeap(args.backend as unknown as WasmHeapBackend, x, b, s);
  };
}

/** The wasm `SplitV`: one heap slice per piece along the axis. */
export function splitVWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (!onHeap(x)) return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const at = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, at);
    const begin = x.shape.map(() => 0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[at] = s;
      const piece = sliceOnHeap(args.backend as unknown as WasmHeapBackend, x, begin, size);
      begin[at] += s;
      return piece;
    });
  };
}

/**
 * The wasm `Identity` without a copy: the output shares x's memory and counts a reference, as
 * the wasm `Reshape` and the CPU backend's `Identity` do (no kernel writes into its inputs).
 * The stock kernel copies: 442 copies in a MobileNetV2 training step, 35-50 ms.
 */
export function identityWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (!onHeap(x)) return original(args);
    (args.backend as unknown as WasmHeapBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
