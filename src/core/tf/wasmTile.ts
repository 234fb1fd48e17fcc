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
