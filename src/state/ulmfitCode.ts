import { LESSON_RATES, SMALL_DATA_RATES, ulmfitStages, type UlmfitRates, type UlmfitStage } from '../core/text/ulmfit';
import type { LrSpec } from '../core/train/schedules';
import { formatLr } from './trainState';
import type { UlmfitRatesChoice } from './textState';

/** The rates a choice in the learner cell stands for. */
export function ulmfitRates(choice: UlmfitRatesChoice): UlmfitRates {
  return choice === 'lesson' ? LESSON_RATES : SMALL_DATA_RATES;
}

/**
 * ULMFiT's stages as the fastai calls they are, one line a stage; the learner cell lists them and
 * the Fit cell's run list names the run by them.
 * @example ulmfitCode(2e-2, 2, 'lesson')[1] // 'freeze_to(-2) · fit_one_cycle(1, slice(2.2e-4, 1e-2))'
 */
export function ulmfitCode(lr: number, lastEpochs: number, choice: UlmfitRatesChoice): string[] {
  return ulmfitStages(lr, lastEpochs, ulmfitRates(choice)).map((s) => `${freezeCall(s)} · fit_one_cycle(${s.epochs}, ${rateCode(s.lr)})`);
}

function freezeCall(s: UlmfitStage): string {
  return s.freezeTo === -1 ? 'freeze()' : s.freezeTo === 0 ? 'unfreeze()' : `freeze_to(${s.freezeTo})`;
}

function rateCode(lr: LrSpec): string {
  return typeof lr === 'number' ? formatLr(lr) : `slice(${formatLr(lr[0])}, ${formatLr(lr[1])})`;
}
