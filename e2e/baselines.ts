import { expect, type Page } from '@playwright/test';
import { buildDataBlock } from '../src/core/data/block';
import { guessSpec } from '../src/core/data/infer';
import type { DataBlockSpec } from '../src/core/data/types';
import type { Baseline } from '../src/core/metrics/baselines';
import { compareWithBaseline } from '../src/core/metrics/testing/dataBaselines';
import { decodeInNode } from '../src/io/node/nodeDecode';
import { readFolder } from '../src/io/node/nodeFiles';
import { blockBaselines } from '../src/core/metrics/testing/blockBaselines';

/**
 * The single-label baseline from the summary's class counts (train and valid per class): always
 * the most frequent training class, scored on the validation pictures.
 */
export async function mostFrequentClass(page: Page): Promise<Baseline> {
  const rows = await page.getByTestId('class-count').evaluateAll((trs) =>
    trs.map((tr) => [
      tr.getAttribute('data-class') ?? '',
      ...Array.from(tr.querySelectorAll('td'))
        .slice(1)
        .map((td) => td.textContent ?? ''),
    ]),
  );
  if (rows.length === 0) throw new Error('no class counts on the page');
  const top = rows.reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a));
  const accuracy = Number(top[2]) / rows.reduce((n, r) => n + Number(r[2]), 0);
  return { name: `most frequent class (${top[0]})`, metrics: { accuracy, error_rate: 1 - accuracy } };
}

/**
 * The trivial baselines of a sample as the page builds it (its guessed spec, `patch`ed as the test
 * edits the form), computed in Node from the same files: the same split, the same targets.
 */
export async function sampleBaselines(folder: string, patch: (s: DataBlockSpec) => DataBlockSpec = (s) => s): Promise<{ baselines: Baseline[]; train: number; valid: number }> {
  const files = readFolder(folder);
  const spec = patch(await guessSpec(files));
  // The split's counts, for the test to check against the page's: the same items on both sides.
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  return { baselines: await blockBaselines(spec, files), train: block.train.length, valid: block.valid.length };
}

/** Asserts `value` beats the best of `baselines` by `margin` (below it for errors), and logs both. */
export function expectBeatsBaseline(label: string, metric: string, value: number, baselines: readonly Baseline[], margin: number): void {
  const c = compareWithBaseline(label, metric, value, baselines, margin);
  console.log(c.line);
  expect(c.beats, `${c.line}: must be past ${c.bound.toFixed(3)}`).toBe(true);
}
