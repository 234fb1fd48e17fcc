import { DivergedLossError } from './callback';

/** fastai's LR finder stops once the smoothed loss passes 4x its best; a fit uses the same factor against its start. */
export const DIVERGENCE_FACTOR = 4;
/**
 * The start loss is never taken below this: a model that already fits well (loss 0.05) may
 * wobble to several times that at a high rate and recover, which is not a divergence.
 */
const START_LOSS_FLOOR = 0.5;
/** The smoothed loss of the first few batches leans on single noisy losses. */
const WARM_UP_BATCHES = 3;

/**
 * Watches a fit's smoothed loss for divergence: past `DIVERGENCE_FACTOR` times the loss the fit
 * started from (its first batch, before any update), it throws `DivergedLossError` and the
 * learner restores the last good weights, as it does for a NaN.
 */
export class DivergenceWatch {
  private startLoss = NaN;
  private batches = 0;
  /** The last epoch of this fit that completed (its weights are the ones restored), or null. */
  completedEpoch: number | null = null;

  /** Called after every training step of a fit with the raw and smoothed loss. */
  check(loss: number, smoothLoss: number, epoch: number, batch: number): void {
    if (this.batches++ === 0) this.startLoss = loss;
    if (this.batches <= WARM_UP_BATCHES || !Number.isFinite(this.startLoss)) return;
    if (smoothLoss > DIVERGENCE_FACTOR * Math.max(this.startLoss, START_LOSS_FLOOR)) {
      throw new DivergedLossError(epoch, batch, smoothLoss, this.startLoss, this.completedEpoch);
    }
  }
}
