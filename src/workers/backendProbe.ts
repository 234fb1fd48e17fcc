import * as tf from '@tensorflow/tfjs';
import { smallCnn } from '../core/model/smallCnn';
import { chooseBackend, trySetBackend, type BackendName } from '../core/tf/backend';
import type { InitResult } from './protocol';
import { pickFastest, probeBackends, type BackendPick, type ProbeResult } from '../core/tf/probe';

/** The probe's workload: one training step of the small CNN on a batch of 16 pictures at 32 px. */
const BATCH = 16;
const SIZE = 32;

interface StepState {
  readonly backend: string;
  readonly model: tf.LayersModel;
  readonly opt: tf.Optimizer;
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor2D;
}

/**
 * Times one training step (forward, backward with the conv filter gradient, Adam update) on
 * each candidate backend and keeps the fastest, as `pickFastest` judges; the chosen backend is
 * active afterwards. Registration order says nothing about speed: on a machine without a GPU,
 * WebGPU and WebGL run on SwiftShader and wasm is often faster.
 */
export async function chooseByProbe(candidates: readonly BackendName[]): Promise<{ pick: BackendPick; results: ProbeResult[] }> {
  let state: StepState | null = null;
  const dispose = () => {
    if (!state) return;
    state.model.dispose();
    state.opt.dispose();
    tf.dispose([state.x, state.y]);
    state = null;
  };
  const step = async () => {
    // Tensors live on the backend that made them: rebuild when the probe moves on.
    if (state?.backend !== tf.getBackend()) {
      dispose();
      state = {
        backend: tf.getBackend(),
        model: smallCnn(2, { seed: 1, name: 'probe' }).model,
        opt: tf.train.adam(1e-3),
        x: tf.randomNormal([BATCH, SIZE, SIZE, 3], 0, 1, 'float32', 1),
        y: tf.oneHot(
          tf.tensor1d(
            Array.from({ length: BATCH }, (_, i) => i % 2),
            'int32',
          ),
          2,
        ) as tf.Tensor2D,
      };
    }
    const { model, opt, x, y } = state;
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    await loss!.data();
    loss!.dispose();
  };
  try {
    const results = await probeBackends(candidates, step, { warmup: 1, reps: 3 });
    dispose();
    const pick = pickFastest(results);
    const error = await trySetBackend(pick.name);
    if (error) throw new Error(`${pick.name} was the fastest but would not start again: ${error}`);
    return { pick, results };
  } finally {
    dispose();
  }
}

/**
 * Starts a backend: with `probe`, the fastest at one training step among `backends` (measured,
 * timings returned); without, the first of `backends` that starts (the person's choice first).
 */
export async function startBackend(backends: readonly BackendName[], probe: boolean): Promise<InitResult> {
  if (probe) {
    const { pick, results } = await chooseByProbe(backends);
    return { backend: pick.name, reason: pick.reason, timings: results };
  }
  const choice = await chooseBackend(backends);
  return { backend: choice.name, reason: choice.reason };
}
