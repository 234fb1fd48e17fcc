/**
 * `planet_tiny`: Planet-style multi-label tiles. Each 64x64 RGB tile holds one to three distinct
 * MNIST digits in pale colours over a dark gradient or noise; `labels.csv` lists the tags.
 *
 * The layout is chosen so that lesson 3's recipe (the built-in MNIST backbone, frozen, plus a new
 * head) can learn it in a few epochs: each digit sits centred in its own quadrant (a 2x2 grid of
 * 32 px cells) at 28-32 px, MNIST's native scale, so at 64 px it lines up with the backbone's
 * stride-16 features as a 28x28 digit does in training; strokes are pale (near the white digits
 * the backbone saw) but still coloured. Free placement at random offsets, or saturated colours,
 * leave the frozen features barely better than guessing the most frequent tags.
 */
import type { Rng } from '../../src/core/data/random';
import { randomBackground, brightColour } from './background';
import { blendGlyph } from './compose';
import type { Glyph, Placement, Rgb } from './compose';
import { DIGIT_WORDS, pickDistinct, randInt, randomGlyph } from './digits';
import type { MnistSet } from './idx';
import { encodeRgb } from './png';
import { csvText } from './output';
import type { SampleDef } from './output';

const TILE = 64;
const CELL = TILE / 2;
const COUNT = 400;
/** 0, 1, 3 and 7 come twice as often as the other digits, so tags are uneven as in Planet. */
const DIGIT_WEIGHTS: readonly number[] = [2, 2, 1, 2, 1, 1, 1, 2, 1, 1];
/** How far a stroke colour keeps its distance from white (0: white, 1: `brightColour` as is). */
const TINT = 0.4;

/** A pale colour: a bright one moved toward white, c' = 255 - TINT * (255 - c). */
export function paleColour(rng: Rng): Rgb {
  const [r, g, b] = brightColour(rng).map((c) => Math.round(255 - TINT * (255 - c)));
  return [r, g, b];
}

/** Puts each glyph centred in its own quadrant of the tile, quadrants in random order. */
export function quadrantSpots(rng: Rng, glyphs: readonly Glyph[]): Placement[] {
  const cells = [0, 1, 2, 3];
  // Fisher-Yates shuffle of the four quadrants.
  for (let i = cells.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [cells[i], cells[j]] = [cells[j], cells[i]];
  }
  return glyphs.map((glyph, i) => {
    const offset = Math.floor((CELL - glyph.size) / 2);
    return { x: (cells[i] % 2) * CELL + offset, y: Math.floor(cells[i] / 2) * CELL + offset };
  });
}

/** Draws one tile; returns its RGB bytes and its digits. */
function makeTile(rng: Rng, train: MnistSet): { data: Uint8Array; digits: number[] } {
  const digits = pickDistinct(rng, randInt(rng, 1, 3), DIGIT_WEIGHTS);
  const image = randomBackground(rng, TILE);
  const glyphs = digits.map((d) => randomGlyph(rng, train, d, randInt(rng, 28, CELL)));
  const spots = quadrantSpots(rng, glyphs);
  glyphs.forEach((glyph, i) => blendGlyph(image, glyph, spots[i], paleColour(rng)));
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
    `Multi-label classification in the Planet layout: ${COUNT} RGB 64x64 tiles in train/, each holding one to three ` +
    'distinct MNIST digits (one per quadrant, pale colours on dark backgrounds); labels.csv has image_name ' +
    '(without .png) and space-separated tags such as "seven three".',
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
