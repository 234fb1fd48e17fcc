import type { Task } from '../core/data/types';

/** A validation picture sent to the page: RGBA bytes at the training size. */
export interface Thumb {
  readonly size: number;
  readonly rgba: Uint8ClampedArray;
}

/**
 * What the results cell needs, as plain arrays: every validation prediction (probabilities
 * flat `[N, C]`, or `[N, 2]` points), targets, per-item losses, and thumbnails of the items with
 * the highest losses.
 */
export interface ResultsInfo {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly voidIndex: number;
  readonly size: number;
  readonly count: number;
  /** Softmax / sigmoid outputs, flat `[N, C]`; for points, `[N, 2]` in [-1, 1]; empty for segmentation. */
  readonly probs: Float32Array;
  /** Class ids (single), multi-hot flat (multi), points flat (points); empty for segmentation. */
  readonly targets: Float32Array;
  readonly losses: Float32Array;
  /** Segmentation: predicted and true class id per pixel, flat `[N, H, W]`. */
  readonly predMasks?: Int32Array;
  readonly trueMasks?: Int32Array;
  /** Highest-loss items first: their index, path and picture. */
  readonly top: readonly { readonly index: number; readonly path: string; readonly thumb: Thumb }[];
  /** Multi-label threshold in use. */
  readonly thresh: number;
}
