import type { Task } from '../data/types';
import { accuracy, errorRate } from './classification';
import type { Metric } from './metric';
import { accuracyThresh, fbeta } from './multiLabel';
import { meanPixelError } from './points';
import { dice, meanIoU, pixelAccuracy } from './segmentation';

/** What the default metrics need to know about the data. */
export interface MetricContext {
  readonly numClasses: number;
  /** Void code for segmentation; -1 when there is none. */
  readonly voidIndex: number;
  /** Image sides in pixels, for the point error. */
  readonly height: number;
  readonly width: number;
}

/**
 * The metrics lesson 3 shows for each task: error rate and accuracy; accuracy_thresh and F2 at
 * 0.2; pixel accuracy without void, dice and mean IoU; mean pixel error.
 */
export function metricsForTask(task: Task, ctx: MetricContext): Metric[] {
  switch (task) {
    case 'single':
      return [errorRate(), accuracy()];
    case 'multi':
      return [accuracyThresh({ thresh: 0.2 }), fbeta({ thresh: 0.2, beta: 2 })];
    case 'segmentation':
      return [pixelAccuracy(ctx.voidIndex), dice(ctx.numClasses, ctx.voidIndex), meanIoU(ctx.numClasses, ctx.voidIndex)];
    case 'points':
      return [meanPixelError(ctx.width, ctx.height)];
  }
}
