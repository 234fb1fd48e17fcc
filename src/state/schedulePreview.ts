import { lrsForGroups, oneCyclePreview } from '../core/train/schedules';
import { parseLr, type TrainState } from './trainState';

/** The schedule the next fit will follow, as the Fit cell draws it before the fit starts. */
export interface SchedulePreview {
  /** Epochs into the fit, from 0 to `epochs`. */
  readonly epochs: readonly number[];
  /** One learning-rate curve per layer group (one when the rate is a single number). */
  readonly groups: readonly { readonly name: string; readonly lrs: readonly number[] }[];
  readonly mom: readonly number[];
}

/**
 * The learning rate of each layer group and the momentum over the next `fit_one_cycle`, from
 * the Fit cell's epochs, rate (a slice spreads over the groups as the fit will) and knobs; null
 * while the rate box does not hold a rate.
 */
export function schedulePreview(s: Pick<TrainState, 'lrInput' | 'epochs' | 'cycle' | 'learner'>): SchedulePreview | null {
  const lr = parseLr(s.lrInput);
  if (lr === null || !(s.epochs > 0)) return null;
  const names = s.learner?.groups.map((g) => g.name) ?? ['model'];
  const maxes = typeof lr === 'number' ? [lr] : lrsForGroups(lr, names.length);
  const { pos, lrs, mom } = oneCyclePreview(maxes, s.cycle);
  const groupNames = typeof lr === 'number' ? ['every group'] : names;
  return { epochs: pos.map((p) => p * s.epochs), groups: lrs.map((l, i) => ({ name: groupNames[i], lrs: l })), mom };
}
