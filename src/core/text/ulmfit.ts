/**
 * ULMFiT's classifier fine-tuning as lesson 3 runs it (Howard & Ruder 2018): gradual unfreezing
 * with discriminative learning rates, each stage one-cycle.
 *
 *   learn.freeze();      fit_one_cycle(1, 2e-2)
 *   learn.freeze_to(-2); fit_one_cycle(1, slice(1e-2 / 2.6**4, 1e-2))
 *   learn.freeze_to(-3); fit_one_cycle(1, slice(5e-3 / 2.6**4, 5e-3))
 *   learn.unfreeze();    fit_one_cycle(2, slice(1e-3 / 2.6**4, 1e-3))
 *
 * 2.6 per layer group is the paper's ratio between one group's rate and the next's.
 */
import type { FitOptions } from '../train/types';
import type { LrSpec } from '../train/schedules';
import type { TextLearner } from './textLearner';

/** One stage: train groups from `freezeTo` on (negative counts from the end; 0 is everything). */
export interface UlmfitStage {
  readonly freezeTo: number;
  readonly epochs: number;
  readonly lr: LrSpec;
}

/**
 * Lesson 3's stages, scaled by `lr` (the head's rate of the first stage, 2e-2 in the lesson) and
 * with `lastEpochs` for the final, unfrozen stage.
 * @example ulmfitStages()[1] // { freezeTo: -2, epochs: 1, lr: [1e-2 / 2.6 ** 4, 1e-2] }
 */
export function ulmfitStages(lr = 2e-2, lastEpochs = 2): UlmfitStage[] {
  const spread = (top: number): LrSpec => [top / 2.6 ** 4, top];
  return [
    { freezeTo: -1, epochs: 1, lr },
    { freezeTo: -2, epochs: 1, lr: spread(lr / 2) },
    { freezeTo: -3, epochs: 1, lr: spread(lr / 4) },
    { freezeTo: 0, epochs: lastEpochs, lr: spread(lr / 20) },
  ];
}

/**
 * Runs the stages on a classifier learner; stops early when a stage is cancelled.
 * @example await fineTuneUlmfit(learn, ulmfitStages(2e-2), { signal });
 */
export async function fineTuneUlmfit(learn: TextLearner, stages: readonly UlmfitStage[], opts: FitOptions = {}): Promise<{ cancelled: boolean }> {
  for (const s of stages) {
    learn.freezeTo(s.freezeTo);
    const { cancelled } = await learn.fitOneCycle(s.epochs, s.lr, opts);
    if (cancelled) return { cancelled };
  }
  return { cancelled: false };
}
