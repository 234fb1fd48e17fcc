import type { Task } from '../data/types';

/**
 * The one metric per task that lesson 3 reads to judge a model, and that the studio's `auto`
 * learning rate and the quality table rank by: accuracy, F2 (at 0.2), mean IoU without Void,
 * and the mean point error in pixels (lower is better; see `lowerIsBetter`).
 */
export const KEY_METRIC = { single: 'accuracy', multi: 'fbeta', segmentation: 'mean_iou', points: 'pixel_error' } as const satisfies Record<Task, string>;

/** The key metric's name for a task. */
export function keyMetric(task: Task): string {
  return KEY_METRIC[task];
}
