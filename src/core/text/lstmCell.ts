/**
 * The element-wise half of an LSTM step as one kernel, forward and backward. Written with tfjs
 * ops, a step's gates cost a split, three sigmoids, two tanhs, three multiplies and an add, and
 * their gradient two or three times as many kernels; on a [32, 128] state each kernel's fixed
 * cost (the engine's bookkeeping, the tape) outweighs its arithmetic, so a classifier step over
 * 80 tokens spent most of its time launching ~16,000 kernels. On the CPU backends (wasm, cpu)
 * this is one loop forward and one backward; a GPU backend runs the same arithmetic as tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';

/** Studio kernel: inputs z `[B, 4H]` (gates i, f, g, o before their activations) and c `[B, H]`; outputs h, the new c, and the activations `[B, 4H]`. */
export const LSTM_CELL = 'StudioLstmCell';
/** Studio kernel: inputs dh, dc (each `[B, H]`), act, c, cNew; outputs dz `[B, 4H]` and dc for the previous step. */
export const LSTM_CELL_GRAD = 'StudioLstmCellGrad';

/** The kernels run here; elsewhere `lstmCell` composes tfjs ops. */
const LOOP_BACKENDS = ['wasm', 'cpu'] as const;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * i, f, o = sigmoid(z_i, z_f, z_o); g = tanh(z_g); cNew = f c + i g; h = o tanh(cNew).
 * `act` receives [i, f, g, o] per row, for the backward pass.
 */
export function lstmCellForwardInto(z: Float32Array, c: Float32Array, h: Float32Array, cNew: Float32Array, act: Float32Array, units: number): void {
  const rows = c.length / units;
  for (let r = 0; r < rows; r++) {
    const zAt = r * 4 * units;
    for (let j = 0; j < units; j++) {
      const i = sigmoid(z[zAt + j]);
      const f = sigmoid(z[zAt + units + j]);
      const g = Math.tanh(z[zAt + 2 * units + j]);
      const o = sigmoid(z[zAt + 3 * units + j]);
      const at = r * units + j;
      const next = f * c[at] + i * g;
      cNew[at] = next;
      h[at] = o * Math.tanh(next);
      act[zAt + j] = i;
      act[zAt + units + j] = f;
      act[zAt + 2 * units + j] = g;
      act[zAt + 3 * units + j] = o;
    }
  }
}

/** The gradient of `lstmCellForwardInto`: from dh and dc, dz for the four gates and dcPrev for the previous cell state. */
export function lstmCellBackwardInto(dh: Float32Array, dc: Float32Array, act: Float32Array, c: Float32Array, cNew: Float32Array, dz: Float32Array, dcPrev: Float32Array, units: number): void {
  const rows = c.length / units;
  for (let r = 0; r < rows; r++) {
    const zAt = r * 4 * units;
    for (let j = 0; j < units; j++) {
      const at = r * units + j;
      const i = act[zAt + j];
      const f = act[zAt + units + j];
      const g = act[zAt + 2 * units + j];
      const o = act[zAt + 3 * units + j];
      const tc = Math.tanh(cNew[at]);
      const gh = dh[at];
      const total = dc[at] + gh * o * (1 - tc * tc);
      dz[zAt + j] = total * g * i * (1 - i);
      dz[zAt + units + j] = total * c[at] * f * (1 - f);
      dz[zAt + 2 * units + j] = total * i * (1 - g * g);
      dz[zAt + 3 * units + j] = gh * tc * o * (1 - o);
      dcPrev[at] = total * f;
    }
  }
}

type Args = Parameters<tf.KernelFunc>[0];

/** Float32 views of inputs and fresh outputs on one of `LOOP_BACKENDS`. */
interface Arrays {
  read(t: tf.TensorInfo): Float32Array;
  /** A new float32 output and its array (wasm: on the heap, read inputs again afterwards). */
  make(shape: number[]): { info: tf.TensorInfo; values: Float32Array };
}

function arraysOf(backend: tf.KernelBackend): Arrays {
  if ('typedArrayFromHeap' in backend) {
    const b = backend as unknown as { makeOutput(s: number[], d: 'float32'): tf.TensorInfo; typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    return {
      read: (t) => b.typedArrayFromHeap(t),
      make: (shape) => {
        const info = b.makeOutput(shape, 'float32');
        return { info, values: b.typedArrayFromHeap(info) };
      },
    };
  }
  const b = backend as unknown as { data: { get(id: tf.DataId): { values: Float32Array } }; makeTensorInfo(s: number[], d: 'float32', v: Float32Array): tf.TensorInfo };
  return {
    read: (t) => b.data.get(t.dataId).values,
    make: (shape) => {
      const values = new Float32Array(shape.reduce((a, s) => a * s, 1));
      return { info: b.makeTensorInfo(shape, 'float32', values), values };
    },
  };
}

function forwardKernel({ inputs, backend }: Args): tf.TensorInfo[] {
  const { z, c } = inputs as { z: tf.TensorInfo; c: tf.TensorInfo };
  const a = arraysOf(backend as tf.KernelBackend);
  const [rows, units] = c.shape;
  const h = a.make([rows, units]);
  const cNew = a.make([rows, units]);
  const act = a.make([rows, 4 * units]);
  // Views after every allocation: growing the wasm heap detaches older ones.
  const out = [h, cNew, act].map((o) => a.read(o.info));
  lstmCellForwardInto(a.read(z), a.read(c), out[0], out[1], out[2], units);
  return [h.info, cNew.info, act.info];
}

function backwardKernel({ inputs, backend }: Args): tf.TensorInfo[] {
  const { dh, dc, act, c, cNew } = inputs as Record<'dh' | 'dc' | 'act' | 'c' | 'cNew', tf.TensorInfo>;
  const a = arraysOf(backend as tf.KernelBackend);
  const [rows, units] = c.shape;
  const dz = a.make([rows, 4 * units]);
  const dcPrev = a.make([rows, units]);
  lstmCellBackwardInto(a.read(dh), a.read(dc), a.read(act), a.read(c), a.read(cNew), a.read(dz.info), a.read(dcPrev.info), units);
  return [dz.info, dcPrev.info];
}

let installed = false;

/** Registers both kernels for `LOOP_BACKENDS` and the cell's gradient. Idempotent. */
export function installLstmCellKernels(): void {
  if (installed) return;
  for (const backendName of LOOP_BACKENDS) {
    if (!tf.getKernel(LSTM_CELL, backendName)) tf.registerKernel({ kernelName: LSTM_CELL, backendName, kernelFunc: forwardKernel as unknown as tf.KernelFunc });
    if (!tf.getKernel(LSTM_CELL_GRAD, backendName)) tf.registerKernel({ kernelName: LSTM_CELL_GRAD, backendName, kernelFunc: backwardKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: LSTM_CELL,
    inputsToSave: ['c'],
    outputsToSave: [false, true, true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [dh, dc] = dy as (tf.Tensor | null)[];
      const [c, cNew, act] = saved;
      // Both gradients come from one kernel call, made here rather than inside the closures (the
      // tape runs each closure in its own tidy, which would free the other output). An output
      // that fed nothing has no dy: zeros.
      const zeros = dh && dc ? null : tf.zerosLike(c);
      const [dz, dcPrev] = tf.engine().runKernel(LSTM_CELL_GRAD, { dh: dh ?? zeros!, dc: dc ?? zeros!, act, c, cNew }) as tf.Tensor[];
      zeros?.dispose();
      return { z: () => dz, c: () => dcPrev };
    },
  });
  installed = true;
}

/**
 * One LSTM step's gates: z `[B, 4H]` (Keras's order i, f, c, o) and the previous cell state c
 * `[B, H]` give the new hidden state h and cell state. One kernel each way on wasm and cpu.
 */
export function lstmCell(z: tf.Tensor2D, c: tf.Tensor2D): { h: tf.Tensor2D; c: tf.Tensor2D } {
  installLstmCellKernels();
  if (tf.getKernel(LSTM_CELL, tf.getBackend()) && z.dtype === 'float32' && c.dtype === 'float32') {
    const [h, cNew, act] = tf.engine().runKernel(LSTM_CELL, { z, c }) as tf.Tensor2D[];
    // The activations are kept for the gradient (the tape holds them while it records).
    act.dispose();
    return { h, c: cNew };
  }
  return tf.tidy(() => {
    const [i, f, g, o] = tf.split(z, 4, 1);
    const next = tf
      .sigmoid(f)
      .mul(c)
      .add(tf.sigmoid(i).mul(tf.tanh(g))) as tf.Tensor2D;
    return { h: tf.sigmoid(o).mul(tf.tanh(next)) as tf.Tensor2D, c: next };
  });
}
