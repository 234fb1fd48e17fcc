/**
 * Checks of the training values a person types (epochs, learning rate, LR finder iterations, the
 * learner's weight decay and threshold), made where the page's commands start and shared with
 * the command line. Each bad value is one sentence naming the field, its allowed range and what
 * was typed; nothing is sent to the worker, so the data, the learner and its weights stay as they were.
 */
import { limitMessage } from '../core/data/specChecks';
import { TRAIN_LIMITS } from '../core/train/trainLimits';
import type { LearnerSpec } from '../workers/protocol';
import { parseLr, type OneCycleSettings } from './trainState';

export { TRAIN_LIMITS };

/**
 * What is wrong with the epochs, or null.
 * @example epochsProblem(2.5) // 'Epochs must be a whole number from 1 to 1000, not 2.5'
 */
export function epochsProblem(epochs: unknown): string | null {
  return limitMessage(epochs, TRAIN_LIMITS.epochs);
}

/** What is wrong with the LR finder's iterations, or null. */
export function finderItersProblem(iters: unknown): string | null {
  return limitMessage(iters, TRAIN_LIMITS.finderIters);
}

/**
 * What is wrong with the learning-rate box, or null; `single` when only one rate will do (fine_tune).
 * @example lrProblem('abc') // 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "abc"'
 */
export function lrProblem(text: string, single = false): string | null {
  if (text.trim() === '') return "Learning rate is empty: type a positive number such as 3e-3, or click the LR finder's curve";
  const lr = parseLr(text);
  if (lr === null) return `Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "${text}"`;
  if (single && typeof lr !== 'number') return `fine_tune takes one base learning rate (it makes the slice itself), not "${text}"`;
  return null;
}

/** Everything wrong with the learner's numbers, one sentence each; empty when they are fine. */
export function learnerSpecProblems(spec: LearnerSpec): string[] {
  const out = [limitMessage(spec.wd, TRAIN_LIMITS.wd), limitMessage(spec.thresh, TRAIN_LIMITS.thresh), limitMessage(spec.beta, TRAIN_LIMITS.beta)];
  if (spec.arch.kind === 'pretrained' && spec.arch.minSide !== undefined) out.push(limitMessage(spec.arch.minSide, TRAIN_LIMITS.minSide));
  return out.filter((m): m is string => m !== null);
}

/** What is wrong with one-cycle's knobs, or null (each momentum is Adam's beta1: from 0 to below 1). */
export function cycleProblem(cycle: OneCycleSettings): string | null {
  return (
    limitMessage(cycle.pctStart, TRAIN_LIMITS.pctStart) ??
    limitMessage(cycle.div, TRAIN_LIMITS.div) ??
    limitMessage(cycle.divFinal, TRAIN_LIMITS.divFinal) ??
    cycle.moms.map((m) => limitMessage(m, TRAIN_LIMITS.mom)).find((m) => m !== null) ??
    null
  );
}
