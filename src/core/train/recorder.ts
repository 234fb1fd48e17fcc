import type { Callback, LearnerView } from './callback';

/** One training batch as the recorder saw it. */
export interface BatchRecord {
  readonly loss: number;
  readonly smoothLoss: number;
  /** Learning rate of the last (head) group, as fastai records it. */
  readonly lr: number;
  readonly mom: number;
}

/** One finished epoch: the row of fastai's progress table. */
export interface EpochRecord {
  /** Which fit (0 for the first `fit`/`fitOneCycle` call) the epoch belongs to. */
  readonly fit: number;
  /** Epoch within its fit, from 0. */
  readonly epoch: number;
  /** Smoothed training loss at the end of the epoch (fastai's `train_loss`). */
  readonly trainLoss: number;
  readonly validLoss: number;
  readonly metrics: Record<string, number>;
  readonly seconds: number;
}

/**
 * fastai's `Recorder`: per-batch loss, smoothed loss and hyper-parameters of the current fit, and
 * one row per finished epoch across all fits. LR-finder runs are not recorded.
 */
export class Recorder implements Callback {
  readonly name = 'recorder';
  readonly order = 50;
  /** Batches of the latest fit. */
  batches: BatchRecord[] = [];
  /** Every finished epoch of every fit. */
  readonly epochs: EpochRecord[] = [];
  private fitCount = 0;
  private epochStart = 0;

  beforeFit(learn: LearnerView): void {
    if (learn.state.phase === 'lrFind') return;
    this.batches = [];
    this.fitCount += 1;
  }

  beforeEpoch(): void {
    this.epochStart = performance.now();
  }

  afterBatch(learn: LearnerView): void {
    const { state, opt } = learn;
    if (state.phase !== 'train') return;
    const h = opt.hypers[opt.hypers.length - 1];
    this.batches.push({ loss: state.loss, smoothLoss: state.smoothLoss, lr: h.lr, mom: h.mom });
  }

  afterEpoch(learn: LearnerView): void {
    const { state } = learn;
    if (state.phase === 'lrFind') return;
    this.epochs.push({
      fit: this.fitCount - 1,
      epoch: state.epoch,
      trainLoss: state.smoothLoss,
      validLoss: state.validLoss,
      metrics: { ...state.metrics },
      seconds: (performance.now() - this.epochStart) / 1000,
    });
  }

  /**
   * Records the epochs of a fit that ran on another learner for this one's model (the frozen fast
   * path's head learner), as one fit of this learner's history.
   */
  adopt(rows: readonly EpochRecord[]): void {
    if (rows.length === 0) return;
    this.fitCount += 1;
    this.epochs.push(...rows.map((r) => ({ ...r, fit: this.fitCount - 1 })));
  }
}
