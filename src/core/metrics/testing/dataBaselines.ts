import * as tf from '@tensorflow/tfjs';
import type { DataLoader, DataLoaders } from '../../data/batch';
import { bestBaseline, loaderTargets, lowerIsBetter, trivialBaselines, type Baseline } from '../baselines';

/**
 * The trivial baselines of `dls`, learned from the targets of `train` (an un-augmented loader
 * over the training items; `dls.train` where augmentation leaves targets alone, as for class ids)
 * and scored on `dls.valid`.
 */
export async function dataBaselines(dls: DataLoaders, train: DataLoader = dls.train): Promise<Baseline[]> {
  const trainY = await loaderTargets(train);
  const validY = await loaderTargets(dls.valid);
  try {
    return await trivialBaselines(dls.task, trainY, validY, { numClasses: dls.classes.length, voidIndex: dls.voidIndex, height: dls.height, width: dls.width });
  } finally {
    tf.dispose([trainY, validY]);
  }
}

/** A trained value against the best baseline: what it must beat (`bound`), whether it does, and a line saying so. */
export interface BaselineComparison {
  readonly best: number;
  readonly name: string;
  /** best + margin, or best - margin for errors and losses. */
  readonly bound: number;
  readonly beats: boolean;
  /** "mnist_tiny accuracy 0.971 vs most frequent class (1) 0.507 (margin 0.3)" */
  readonly line: string;
}

/** Compares `value` of `metric` with the best of `baselines` and a stated `margin` (no test framework). */
export function compareWithBaseline(label: string, metric: string, value: number, baselines: readonly Baseline[], margin: number): BaselineComparison {
  const best = bestBaseline(baselines, metric);
  const name = baselines.find((b) => b.metrics[metric] === best)!.name;
  const lower = lowerIsBetter(metric);
  const bound = lower ? best - margin : best + margin;
  return { best, name, bound, beats: lower ? value < bound : value > bound, line: `${label} ${metric} ${value.toFixed(3)} vs ${name} ${best.toFixed(3)} (margin ${margin})` };
}
