/**
 * `mnist_tiny`: 3s and 7s as 28x28 grayscale PNGs in fastai's MNIST_TINY layout
 * (`train/3/7463.png`, `valid/7/...`) plus `labels.csv` with an `is_valid` column.
 */
import { shuffled } from '../../src/core/data/random';
import type { Rng } from '../../src/core/data/random';
import { mnistImage } from './idx';
import type { MnistSet } from './idx';
import { encodeGray } from './png';
import { csvText } from './output';
import type { SampleDef, SampleOutput } from './output';

const CLASSES = [3, 7] as const;
const TRAIN_PER_CLASS = 280;
const VALID_PER_CLASS = 70;

/** Random `count` indices of `digit` in `set`, ascending so the files list reads in order. */
function pickIndices(rng: Rng, set: MnistSet, digit: number, count: number): number[] {
  return shuffled(set.byLabel[digit], rng)
    .slice(0, count)
    .sort((a, b) => a - b);
}

/** Writes one split's images; returns their `labels.csv` rows. */
function writeSplit(out: SampleOutput, rng: Rng, set: MnistSet, folder: 'train' | 'valid', perClass: number): string[] {
  const rows: string[] = [];
  for (const digit of CLASSES) {
    for (const index of pickIndices(rng, set, digit, perClass)) {
      const path = `${folder}/${digit}/${index}.png`;
      out.write(path, encodeGray(set.cols, set.rows, mnistImage(set, index)));
      rows.push(`${path},${digit},${folder === 'valid' ? 'True' : 'False'}`);
    }
  }
  return rows;
}

/** The `mnist_tiny` sample: train images from MNIST train, valid images from MNIST test. */
export const mnistTiny: SampleDef = {
  name: 'mnist_tiny',
  title: 'MNIST tiny (3s and 7s)',
  description:
    'Single-label classification: 700 handwritten 3s and 7s from MNIST, 28x28 grayscale, in train/ and valid/ ' + "folders named by class, as in fastai's MNIST_TINY; labels.csv has name, label and is_valid columns.",
  seed: 3007,
  build(out, mnist, rng) {
    const rows = [...writeSplit(out, rng, mnist.train, 'train', TRAIN_PER_CLASS), ...writeSplit(out, rng, mnist.test, 'valid', VALID_PER_CLASS)];
    out.write('labels.csv', csvText('name,label,is_valid', rows));
  },
};
