/**
 * `headpose_tiny`: head-pose-style point regression. Each 64x64 RGB image holds one MNIST digit
 * at a random spot over a noisy background; `points.csv` gives the digit's centre of mass.
 */
import type { Rng } from '../../src/core/data/random';
import { brightColour, makeBackground } from './background';
import { blendGlyph, forEachGlyphPixel, placeGlyphs } from './compose';
import type { Glyph, Placement } from './compose';
import { randInt, randomGlyph } from './digits';
import type { MnistSet } from './idx';
import { encodeRgb } from './png';
import { csvText } from './output';
import type { SampleDef } from './output';

const SIZE = 64;
const COUNT = 300;

/**
 * Coverage-weighted centre of a placed glyph in canvas pixels, origin at the top-left pixel
 * corner (pixel centres at +0.5): x = sum(a * (col + 0.5)) / sum(a), likewise y.
 */
export function centreOfMass(size: number, glyph: Glyph, at: Placement): { x: number; y: number } {
  let [sum, sx, sy] = [0, 0, 0];
  forEachGlyphPixel(size, size, glyph, at, (i, a) => {
    sum += a;
    sx += a * ((i % size) + 0.5);
    sy += a * (Math.floor(i / size) + 0.5);
  });
  return { x: sx / sum, y: sy / sum };
}

/** Draws one image; returns its bytes and the digit's centre. */
function makePose(rng: Rng, train: MnistSet): { data: Uint8Array; x: number; y: number } {
  const image = makeBackground(rng, SIZE, 'noise');
  const glyph = randomGlyph(rng, train, randInt(rng, 0, 9), randInt(rng, 22, 26));
  const [spot] = placeGlyphs(rng, [glyph], SIZE);
  blendGlyph(image, glyph, spot, brightColour(rng));
  return { data: image.data, ...centreOfMass(SIZE, glyph, spot) };
}

/** The `headpose_tiny` sample. */
export const headposeTiny: SampleDef = {
  name: 'headpose_tiny',
  title: 'Head pose tiny (digit centre regression)',
  description: 'Point regression in the spirit of BIWI head pose: 300 RGB 64x64 images in images/, one digit each; ' + 'points.csv gives its centre of mass (x = column, y = row, in pixels from the top-left corner).',
  seed: 2468,
  build(out, mnist, rng) {
    const rows: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const pose = makePose(rng, mnist.train);
      const path = `images/pose_${i}.png`;
      out.write(path, encodeRgb(SIZE, SIZE, pose.data));
      rows.push(`${path},${pose.x.toFixed(2)},${pose.y.toFixed(2)}`);
    }
    out.write('points.csv', csvText('image,x,y', rows));
  },
};
