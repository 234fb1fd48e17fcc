import * as tf from '@tensorflow/tfjs';

/**
 * Counts the shader dispatches tfjs's WebGPU backend records (`recordAndSubmit`, called once
 * per kernel that runs a shader; reshapes, identities and same-type casts never reach it). On a
 * GPU a training step costs about (dispatches x fixed cost per dispatch) + compute, so the
 * count per step, next to ms per step, says which of the two a model pays for.
 * `read()` is undefined on a backend without `recordAndSubmit`; `stop()` puts the method back.
 */
export function countDispatches(): { read(): number | undefined; reset(): void; stop(): void } {
  const backend = tf.backend() as unknown as { recordAndSubmit?: (...args: unknown[]) => unknown };
  const original = backend.recordAndSubmit;
  if (typeof original !== 'function') return { read: () => undefined, reset: () => {}, stop: () => {} };
  let count = 0;
  backend.recordAndSubmit = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  return {
    read: () => count,
    reset: () => void (count = 0),
    stop: () => void delete backend.recordAndSubmit,
  };
}
