import type { ProgressEvent } from './protocol';

type Point = { lr: number; loss: number; smooth: number; dataWaitMs?: number; stepMs?: number };
type Where = Omit<ProgressEvent, 'type' | 'lrs' | 'losses' | 'smooth' | 'elapsed' | 'dataWaitMs' | 'stepMs'>;

/**
 * Collects every batch's numbers and posts them in bundles about every `intervalMs`, so the
 * page redraws a few times a second however fast batches come, and no point is lost.
 */
export class ProgressThrottle {
  private pending: Point[] = [];
  private lastPost = 0;
  private readonly started = Date.now();

  constructor(
    private readonly post: (e: ProgressEvent) => void,
    private readonly intervalMs = 125,
    private readonly now: () => number = Date.now,
  ) {
    this.lastPost = this.now();
  }

  private lastWhere: Where | null = null;

  /** Posts what is still pending (a fit that ended mid-epoch: stopped, diverged). */
  flush(): void {
    if (this.lastWhere && this.pending.length > 0) this.add(this.lastWhere, null, true);
  }

  /** Records one batch; posts when the interval has passed or `force` is set (an epoch's end). */
  add(where: Where, point: Point | null, force = false): void {
    this.lastWhere = where;
    if (point) this.pending.push(point);
    const t = this.now();
    if (!force && t - this.lastPost < this.intervalMs) return;
    this.lastPost = t;
    const batch = this.pending;
    this.pending = [];
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
    const timing = { dataWaitMs: mean(batch.flatMap((p) => (p.dataWaitMs === undefined ? [] : [p.dataWaitMs]))), stepMs: mean(batch.flatMap((p) => (p.stepMs === undefined ? [] : [p.stepMs]))) };
    this.post({
      type: 'progress',
      ...where,
      elapsed: (t - this.started) / 1000,
      lrs: batch.map((p) => p.lr),
      losses: batch.map((p) => p.loss),
      smooth: batch.map((p) => p.smooth),
      ...(timing.stepMs !== undefined ? timing : {}),
    });
  }
}
