import * as tf from '@tensorflow/tfjs';
import type { Callback } from '../../src/core/train/callback';
import type { Learner } from '../../src/core/train/learner';
import { startClock, type Lap } from './clock';
import { median } from './stats';

/** How many steps `timeSteps` and `timeCalls` run. */
export interface StepPlan {
  /** Timed steps wanted after the warm-up step. */
  readonly reps: number;
  /** A warm-up slower than this (ms) is kept as the only sample: a step that long hides its one-time costs. */
  readonly slowMs?: number;
  /** Stop adding reps once this much time (ms) went into timed steps (at least one is always kept). */
  readonly budgetMs?: number;
}

/** Median time of the timed steps and how it was obtained. */
export interface StepTiming {
  /** Wall time. */
  readonly ms: number;
  /** This process's CPU time. */
  readonly cpuMs: number;
  /** Timed steps in the median. */
  readonly reps: number;
  /** False when the only sample is the first step (see `StepPlan.slowMs`). */
  readonly warm: boolean;
}

/** Decides after each step whether to go on; shared by the Learner and the plain-call timers. */
function planner(plan: StepPlan): { add(lap: Lap): boolean; result(): StepTiming } {
  const { reps, slowMs = 5000, budgetMs = 20_000 } = plan;
  const laps: Lap[] = [];
  let first: Lap | undefined;
  let spent = 0;
  return {
    add(lap) {
      if (first === undefined) {
        first = lap;
        return lap.wallMs <= slowMs;
      }
      laps.push(lap);
      spent += lap.wallMs;
      return laps.length < reps && spent < budgetMs;
    },
    result: () =>
      laps.length ? { ms: median(laps.map((l) => l.wallMs)), cpuMs: median(laps.map((l) => l.cpuMs)), reps: laps.length, warm: true } : { ms: first?.wallMs ?? NaN, cpuMs: first?.cpuMs ?? NaN, reps: 1, warm: false },
  };
}

/**
 * Times the Learner's own training steps: one `fit` epoch whose loader has at least
 * `plan.reps + 1` batches, with a callback timing each batch from `beforeBatch` to `afterBatch`
 * (forward, loss, gradients, loss read back, AdamW update, loss smoothing and the recorder) and
 * an AbortSignal stopping the epoch when enough steps are in, so no validation runs.
 */
export async function timeSteps(learn: Learner, lr: number, plan: StepPlan): Promise<StepTiming> {
  const p = planner(plan);
  const stop = new AbortController();
  let lap = startClock();
  const timer: Callback = {
    name: 'benchTimer',
    order: 100,
    beforeBatch: () => {
      lap = startClock();
    },
    afterBatch: () => {
      if (!p.add(lap())) stop.abort();
    },
  };
  await learn.fit(1, lr, { callbacks: [timer], signal: stop.signal });
  return p.result();
}

/** Times an async call the same way (warm-up first, then `plan.reps`): inference, a bare step. */
export async function timeCalls(call: () => Promise<void>, plan: StepPlan): Promise<StepTiming> {
  const p = planner(plan);
  for (;;) {
    const lap = startClock();
    await call();
    if (!p.add(lap())) return p.result();
  }
}

/** Activated predictions of the Learner for `x`, read back so the work is done when it resolves. */
export async function predictOnce(learn: Learner, x: tf.Tensor4D): Promise<void> {
  const probs = learn.predict(x);
  await probs.data();
  probs.dispose();
}
