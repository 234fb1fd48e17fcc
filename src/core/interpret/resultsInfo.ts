import type { Task } from '../data/types';
import type { Heatmap } from './gradCam';

/** How many items `show_results` and `plot_top_losses` show: `collectResults` gathers their pictures, the page lays them out. */
export const SHOWN_RESULTS = 9;

/** A validation picture sent to the page: RGBA bytes at the training size, with its masks when it has them. */
export interface Thumb {
  /** Position of the item in validation order. */
  readonly index: number;
  readonly path: string;
  readonly height: number;
  readonly width: number;
  readonly rgba: Uint8ClampedArray;
  /** Grad-CAM over the picture for its predicted class (its top tag), for a CNN classifier. */
  readonly heat?: Heatmap;
}

/**
 * What the results cell needs, as plain arrays (fastai's `Interpretation.from_learner`): every
 * validation prediction, target and loss, and pictures of the items the cell shows (the first
 * few for `show_results`, the highest losses for `plot_top_losses`).
 */
export interface ResultsInfo {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly voidIndex: number;
  /** The training size the pictures were shown at. */
  readonly height: number;
  readonly width: number;
  readonly count: number;
  /** Softmax / sigmoid outputs flat `[N, C]` (single, multi); `[N, 2]` points in [-1, 1]; empty for segmentation. */
  readonly probs: Float32Array;
  /** Class ids (single), multi-hot flat (multi), points flat (points); empty for segmentation. */
  readonly targets: Float32Array;
  readonly losses: Float32Array;
  readonly paths: readonly string[];
  /** Segmentation: predicted and true class id per pixel, flat `[N, H, W]`. */
  readonly predMasks?: Int32Array;
  readonly trueMasks?: Int32Array;
  /** Pictures of the shown items. */
  readonly thumbs: readonly Thumb[];
  /** Multi-label threshold in use. */
  readonly thresh: number;
  /** Validation loss and metrics of the model as it is now. */
  readonly metrics: Readonly<Record<string, number>>;
}
