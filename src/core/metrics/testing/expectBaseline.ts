import { expect } from 'vitest';
import type { Baseline } from '../baselines';
import { compareWithBaseline } from './dataBaselines';

export { dataBaselines } from './dataBaselines';

/**
 * Asserts that a trained model's `value` of `metric` beats the best trivial baseline by `margin`
 * (below it for errors and losses, above it otherwise), and logs the comparison:
 * "mnist_tiny accuracy 0.971 vs most frequent class (1) 0.507 (margin 0.3)".
 */
export function expectBeatsBaseline(label: string, metric: string, value: number, baselines: readonly Baseline[], margin: number): void {
  const c = compareWithBaseline(label, metric, value, baselines, margin);
  console.log(c.line);
  expect(c.beats, `${c.line}: must be past ${c.bound.toFixed(3)}`).toBe(true);
}
