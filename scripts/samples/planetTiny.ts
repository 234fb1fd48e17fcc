/**
 * `planet_tiny`: Planet-style multi-label tiles. Each 64x64 RGB tile holds one to three distinct
 * MNIST digits in bright colours over a dark gradient or noise; `labels.csv` lists the tags.
 */
import type { Rng } from '../../src/core/data/random';
import { randomBackground, brightColour } from './background';
import { blendGlyph, placeGlyphs } from './compose';
import { DIGIT_WORDS, pickDistinct, randInt, randomGlyph } from './digits';
import type { MnistSet } from './idx';
import { encodeRgb } from './png';
import { csvText } from './output';
import type { SampleDef } from './output';

const TILE = 64;
const COUNT = 400;
/** 0, 1, 3 and 7 come twice as often as the other digits, so tags are uneven as in Planet. */
const DIGIT_WEIGHTS: readonly number[] = [2, 2, 1, 2, 1, 1, 1, 2, 1, 1];

/** Draws one tile; returns its RGB bytes and its digits. */
function makeTile(rng: Rng, train: MnistSet): { data: Uint8Array; digits: number[] } {
  const digits = pickDistinct(rng, randInt(rng, 1, 3), DIGIT_WEIGHTS);
  const image = randomBackground(rng, TILE);
  const glyphs = digits.map((d) => randomGlyph(rng, train, d, randInt(rng, 24, 32)));
  const spots = placeGlyphs(rng, glyphs, TILE);
  glyphs.forEach((glyph, i) => blendGlyph(image, glyph, spots[i], brightColour(rng)));
  return { data: image.data, digits };
}

/** Planet's tag cell: the digits' words, sorted alphabetically, space-separated. */
export function planetTags(digits: readonly number[]): string {
  return digits
    .map((d) => DIGIT_WORDS[d])
    .sort()
    .join(' ');
}

/** The `planet_tiny` sample. */
export const planetTiny: SampleDef = {
  name: 'planet_tiny',
  title: 'Planet tiny (multi-label digits)',
  description:
    'Multi-label classification in the Planet layout: 400 RGB 64x64 tiles in train/, each holding one to three ' +
    'distinct MNIST digits; labels.csv has image_name (without .png) and space-separated tags such as "seven three".',
  seed: 4242,
  build(out, mnist, rng) {
    const rows: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const tile = makeTile(rng, mnist.train);
      out.write(`train/train_${i}.png`, encodeRgb(TILE, TILE, tile.data));
      rows.push(`train_${i},${planetTags(tile.digits)}`);
    }
    out.write('labels.csv', csvText('image_name,tags', rows));
  },
};
