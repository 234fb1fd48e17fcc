/**
 * ULMFiT's classifier fine-tuning as lesson 3 runs it (Howard & Ruder 2018): gradual unfreezing
 * with discriminative learning rates, each stage one-cycle.
 *
 *   learn.freeze();      fit_one_cycle(1, 2e-2)
 *   learn.freeze_to(-2); fit_one_cycle(1, slice(1e-2 / 2.6**4, 1e-2))
 *   learn.freeze_to(-3); fit_one_cycle(1, slice(5e-3 / 2.6**4, 5e-3))
 *   learn.unfreeze();    fit_one_cycle(2, slice(1e-3 / 2.6**4, 1e-3))
 *
 * 2.6 per layer group is the paper's ratio between one group's rate and the next's. Those rates
 * suit a large language model and 25,000 reviews; the studio's small model on a few hundred texts
 * underfits with them (README, "Text quality"), so the stages' rates are a choice: `LESSON_RATES`
 * or `SMALL_DATA_RATES`.
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

/** How the stages' rates follow from the first stage's. */
export interface UlmfitRates {
  /** The top group's rate over the bottom group's in every stage after the first (a slice); 1 trains every group at one rate. */
  readonly spread: number;
  /** The last, unfrozen stage's top rate is the first stage's over this. */
  readonly lastDivisor: number;
}

/** Lesson 3's: slices of 2.6⁴, the last stage at a twentieth. */
export const LESSON_RATES: UlmfitRates = { spread: 2.6 ** 4, lastDivisor: 20 };

/**
 * The studio's default for a few hundred to a few thousand texts: the same stages, each training
 * all its unfrozen groups at one rate, the last at half the first (as fastai's `fine_tune` runs
 * its unfrozen epochs). With a small language model fine-tuned on little text, the embedding and
 * LSTMs must still move to carry the labels: at a 45th of the head's rate they barely do. On three
 * sets of 600 short reviews, 12 epochs (README, "Text quality"), lesson 3's rates scored 0.61-0.75
 * and these 0.76-0.85, about bag-of-words or better; the last stage at lr/4 did as well on
 * average, less steadily.
 */
export const SMALL_DATA_RATES: UlmfitRates = { spread: 1, lastDivisor: 2 };

/** The rates by the name the learner cell offers them under. */
export const ULMFIT_RATES = { small: SMALL_DATA_RATES, lesson: LESSON_RATES } as const satisfies Record<string, UlmfitRates>;
export type UlmfitRatesName = keyof typeof ULMFIT_RATES;

/**
 * What the studio's ULMFiT button starts with: lesson 3's first rate, the small-data rates, and 9
 * epochs unfrozen (12 in all). A few hundred texts are a few dozen batches an epoch and the
 * classifier kept improving to about 200 steps (README, "Text quality"); lesson 3's 2 epochs
 * unfrozen are 800 batches of IMDB.
 */
export const ULMFIT_DEFAULTS: { readonly lr: number; readonly lastEpochs: number; readonly rates: UlmfitRatesName } = { lr: 2e-2, lastEpochs: 9, rates: 'small' };

/**
 * The four stages from `lr` (the head's rate in the first stage, 2e-2 in the lesson) with
 * `lastEpochs` for the final, unfrozen stage.
 * @example ulmfitStages(2e-2, 2, LESSON_RATES)[1] // { freezeTo: -2, epochs: 1, lr: [1e-2 / 2.6 ** 4, 1e-2] }
 */
export function ulmfitStages(lr = 2e-2, lastEpochs = 2, rates: UlmfitRates = LESSON_RATES): UlmfitStage[] {
  const spread = (top: number): LrSpec => (rates.spread === 1 ? top : [top / rates.spread, top]);
  return [
    { freezeTo: -1, epochs: 1, lr },
    { freezeTo: -2, epochs: 1, lr: spread(lr / 2) },
    { freezeTo: -3, epochs: 1, lr: spread(lr / 4) },
    { freezeTo: 0, epochs: lastEpochs, lr: spread(lr / rates.lastDivisor) },
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
