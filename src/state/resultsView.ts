import { argmaxRows, confusionMatrix, mostConfused, type Confusion } from '../core/interpret/confusion';
import { bestThreshold, perTagStats, thresholdSweep, type SweepPoint, type TagStats } from '../core/interpret/multiLabel';
import { histogram, pointErrors, type Bin } from '../core/interpret/points';
import { meanOfIoU, perClassIoU, type ClassIoU } from '../core/interpret/segmentation';
import { topLosses } from '../core/interpret/topLosses';
import { SHOWN_RESULTS, type ResultsInfo, type Thumb } from '../core/interpret/resultsInfo';
import type { PreviewTile } from '../core/data/preview';

/** One shown validation item: its picture with the prediction drawn, the truth, and whether they agree. */
export interface ResultTile {
  readonly index: number;
  readonly path: string;
  /** The picture with the prediction (mask overlay, predicted point) and, for points, the truth. */
  readonly predicted: PreviewTile;
  /** Segmentation: the picture with the true mask, beside the prediction. */
  readonly truth?: PreviewTile;
  readonly correct: boolean;
  /** `prediction / actual / loss / probability`, as fastai's `plot_top_losses` titles. */
  readonly caption: string;
  readonly loss: number;
}

/** Everything the results cell draws, derived from the worker's plain arrays. */
export type ResultsView =
  | { readonly task: 'single'; readonly shown: readonly ResultTile[]; readonly top: readonly ResultTile[]; readonly matrix: number[][]; readonly confused: readonly Confusion[]; readonly accuracy: number }
  | {
      readonly task: 'multi';
      readonly shown: readonly ResultTile[];
      readonly top: readonly ResultTile[];
      readonly tags: readonly (TagStats & { readonly name: string })[];
      readonly sweep: readonly SweepPoint[];
      readonly best: SweepPoint | null;
    }
  | { readonly task: 'segmentation'; readonly shown: readonly ResultTile[]; readonly top: readonly ResultTile[]; readonly ious: readonly (ClassIoU & { readonly name: string })[]; readonly meanIoU: number }
  | { readonly task: 'points'; readonly shown: readonly ResultTile[]; readonly top: readonly ResultTile[]; readonly errors: readonly number[]; readonly bins: readonly Bin[]; readonly meanError: number };

/**
 * Derives the results cell's content: for every task the first items (`show_results`) and the
 * highest losses (`plot_top_losses`); then the confusion matrix and most-confused pairs
 * (single), per-tag statistics and the threshold sweep (multi), IoU per class (segmentation),
 * the pixel-error distribution (points).
 */
export function resultsView(r: ResultsInfo, beta: number): ResultsView {
  const thumbs = new Map(r.thumbs.map((t) => [t.index, t]));
  const tileOf = (i: number) => resultTile(r, thumbs.get(i)!);
  const shown = Array.from({ length: Math.min(SHOWN_RESULTS, r.count) }, (_, i) => i)
    .filter((i) => thumbs.has(i))
    .map(tileOf);
  const top = topLosses(r.losses, SHOWN_RESULTS)
    .filter((l) => thumbs.has(l.index))
    .map((l) => tileOf(l.index));
  const C = r.classes.length;
  switch (r.task) {
    case 'single': {
      const matrix = confusionMatrix(argmaxRows(r.probs, C), r.targets, C);
      const right = matrix.reduce((n, row, i) => n + row[i], 0);
      return { task: 'single', shown, top, matrix, confused: mostConfused(matrix, r.classes).slice(0, 10), accuracy: r.count ? right / r.count : 0 };
    }
    case 'multi': {
      const tags = perTagStats(r.probs, r.targets, C, r.thresh).map((t) => ({ ...t, name: r.classes[t.tag] }));
      const sweep = thresholdSweep(r.probs, r.targets, C, beta);
      return { task: 'multi', shown, top, tags, sweep, best: bestThreshold(sweep) };
    }
    case 'segmentation': {
      const ious = perClassIoU(r.predMasks!, r.trueMasks!, C, r.voidIndex).map((c) => ({ ...c, name: r.classes[c.code] }));
      return { task: 'segmentation', shown, top, ious, meanIoU: meanOfIoU(ious) };
    }
    case 'points': {
      const errors = pointErrors(r.probs, r.targets, r.width, r.height);
      const meanError = errors.reduce((a, b) => a + b, 0) / Math.max(errors.length, 1);
      return { task: 'points', shown, top, errors, bins: histogram(errors, 10), meanError };
    }
  }
}

const pct = (p: number) => `${(p * 100).toFixed(0)}%`;

function resultTile(r: ResultsInfo, thumb: Thumb): ResultTile {
  const i = thumb.index;
  const C = r.classes.length;
  const base = { height: thumb.height, width: thumb.width, rgba: thumb.rgba, ...(thumb.heat ? { heat: thumb.heat } : {}) };
  const loss = r.losses[i];
  const common = { index: i, path: thumb.path, loss };
  switch (r.task) {
    case 'single': {
      const row = r.probs.subarray(i * C, (i + 1) * C);
      const pred = argmaxRows(row, C)[0];
      const actual = r.targets[i];
      const caption = `${r.classes[pred]} / ${r.classes[actual]} / ${loss.toFixed(2)} / ${row[actual].toFixed(2)}`;
      return { ...common, predicted: { ...base, caption }, correct: pred === actual, caption };
    }
    case 'multi': {
      const pred = r.classes.filter((_, c) => r.probs[i * C + c] > r.thresh);
      const actual = r.classes.filter((_, c) => r.targets[i * C + c] > 0.5);
      const caption = `${pred.join(' ') || '(none)'} / ${actual.join(' ') || '(none)'} / ${loss.toFixed(2)}`;
      return { ...common, predicted: { ...base, caption }, correct: pred.join(' ') === actual.join(' '), caption };
    }
    case 'segmentation': {
      const area = r.height * r.width;
      const predMask = r.predMasks!.subarray(i * area, (i + 1) * area);
      const trueMask = r.trueMasks!.subarray(i * area, (i + 1) * area);
      let same = 0;
      let counted = 0;
      for (let p = 0; p < area; p++) {
        if (trueMask[p] === r.voidIndex) continue;
        counted++;
        same += predMask[p] === trueMask[p] ? 1 : 0;
      }
      const acc = counted ? same / counted : 1;
      const caption = `pixel accuracy ${pct(acc)} / loss ${loss.toFixed(2)}`;
      return { ...common, predicted: { ...base, caption: 'prediction', mask: Int32Array.from(predMask) }, truth: { ...base, caption: 'truth', mask: Int32Array.from(trueMask) }, correct: acc >= 0.9, caption };
    }
    case 'points': {
      // [-1, 1] -> pixels on each axis: x over the width, y over the height.
      const toPx = (v: ArrayLike<number>): [number, number] => [((v[i * 2] + 1) / 2) * r.width, ((v[i * 2 + 1] + 1) / 2) * r.height];
      const pred = toPx(r.probs);
      const truth = toPx(r.targets);
      const err = Math.hypot(pred[0] - truth[0], pred[1] - truth[1]);
      const caption = `error ${err.toFixed(1)}px / loss ${loss.toFixed(3)}`;
      // Within a tenth of the picture's shorter side counts as right.
      return { ...common, predicted: { ...base, caption, point: pred, truePoint: truth }, correct: err <= 0.1 * Math.min(r.width, r.height), caption };
    }
  }
}
