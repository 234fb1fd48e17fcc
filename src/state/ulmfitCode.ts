import { ULMFIT_RATES, ulmfitStages, type UlmfitRatesName, type UlmfitStage } from '../core/text/ulmfit';
import type { LrSpec } from '../core/train/schedules';
import { formatLr } from './trainState';

/**
 * ULMFiT's stages as the fastai calls they are, one line a stage; the learner cell lists them and
 * the Fit cell's run list names the run by them.
 * @example ulmfitCode(2e-2, 2, 'lesson')[1] // 'freeze_to(-2) · fit_one_cycle(1, slice(2.2e-4, 1e-2))'
 */
export function ulmfitCode(lr: number, lastEpochs: number, rates: UlmfitRatesName): string[] {
  return ulmfitStages(lr, lastEpochs, ULMFIT_RATES[rates]).map((s) => `${freezeCall(s)} · fit_one_cycle(${s.epochs}, ${rateCode(s.lr)})`);
}

function freezeCall(s: UlmfitStage): string {
  return s.freezeTo === -1 ? 'freeze()' : s.freezeTo === 0 ? 'unfreeze()' : `freeze_to(${s.freezeTo})`;
}

function rateCode(lr: LrSpec): string {
  return typeof lr === 'number' ? formatLr(lr) : `slice(${formatLr(lr[0])}, ${formatLr(lr[1])})`;
}
