import * as tf from '@tensorflow/tfjs';
import { withWasmScope } from './wasmScope';

type Args = Parameters<tf.KernelFunc>[0];

/**
 * A `Tile` for the wasm backend that handles pure broadcasts (every tiled axis has size 1, as
 * batch norm's gradient tiles `[1, 1, 1, C]` to `[B, H, W, C]`) as zeros + x with the wasm
 * backend's broadcasting Add: ~10x faster than its generic C++ Tile, which walks coordinates
 * per element. Anything else goes to `original`.
 */
export function broadcastTileWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const reps = (args.attrs as unknown as { reps: number[] }).reps;
    const broadcast = x.dtype === 'float32' && reps.length === x.shape.length && x.shape.every((d, i) => d === 1 || reps[i] === 1);
    if (!broadcast) return original(args);
    const shape = x.shape.map((d, i) => d * reps[i]);
    return withWasmScope(args.backend as tf.KernelBackend, (s) => {
      const zeros = s.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
      return s.run('Add', { a: zeros, b: x });
    });
  };
}

/**
 * A comparison kernel (`Equal`, `Greater`, ...) for the wasm backend whose float inputs of
 * different shapes are first broadcast to the output's shape (zeros + x, XNNPACK's broadcasting
 * Add): its C++ broadcasts by computing coordinates per element, 25-70x slower than comparing
 * equal shapes (the gradient of the head's global max pool compares [B, H, W, C] with
 * [B, 1, 1, C]). Adding +0 changes no comparison. Anything else goes to `original`.
 */
export function broadcastCompareWasm(original: tf.KernelFunc): tf.KernelFunc {
  return (args: Args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (same || a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    return withWasmScope(args.backend as tf.KernelBackend, (s) => {
      const zeros = s.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
      const full = (t: tf.TensorInfo) => (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : s.run('Add', { a: zeros, b: t }));
      return original({ ...args, inputs: { a: full(a), b: full(b) } }) as tf.TensorInfo;
    });
  };
}
