/**
 * `camvid_tiny`: CamVid-style segmentation. Each 64x64 RGB image holds one to three MNIST
 * digits on a textured background; its mask (8-bit grayscale, value = class index) marks
 * stroke pixels with the digit's class, the antialiased fringe as `Void`, the rest `Background`.
 */
import type { Rng } from '../../src/core/data/random';
import { brightColour, makeBackground } from './background';
import { blendGlyph, forEachGlyphPixel, placeGlyphs } from './compose';
import type { Glyph, Placement } from './compose';
import { DIGIT_CODES, pickDistinct, randInt, randomGlyph } from './digits';
import type { MnistSet } from './idx';
import { encodeGray, encodeRgb } from './png';
import type { SampleDef } from './output';

const SIZE = 64;
const COUNT = 200;
/** `codes.txt`: index = pixel value in the masks. */
export const CAMVID_CODES: readonly string[] = ['Void', 'Background', ...DIGIT_CODES];
const VOID = 0;
const BACKGROUND = 1;
const FIRST_DIGIT = 2;
/** Coverage above STROKE is the digit; above FRINGE (and up to STROKE) is Void. */
const STROKE = 0.5;
const FRINGE = 0.1;

/**
 * Labels each pixel from the glyph that covers it most: digit class where coverage > 0.5,
 * Void where 0.1 < coverage <= 0.5, Background elsewhere.
 */
export function segmentationMask(size: number, glyphs: readonly Glyph[], spots: readonly Placement[], digits: readonly number[]): Uint8Array {
  const mask = new Uint8Array(size * size).fill(BACKGROUND);
  const best = new Float32Array(size * size);
  glyphs.forEach((glyph, g) => {
    forEachGlyphPixel(size, size, glyph, spots[g], (i, a) => {
      if (a <= best[i]) return;
      best[i] = a;
      mask[i] = a > STROKE ? FIRST_DIGIT + digits[g] : a > FRINGE ? VOID : BACKGROUND;
    });
  });
  return mask;
}

/** Draws one image and its mask. */
function makeScene(rng: Rng, train: MnistSet): { image: Uint8Array; mask: Uint8Array } {
  const digits = pickDistinct(rng, randInt(rng, 1, 3), Array<number>(10).fill(1));
  const image = makeBackground(rng, SIZE, 'texture');
  const glyphs = digits.map((d) => randomGlyph(rng, train, d, randInt(rng, 24, 32)));
  const spots = placeGlyphs(rng, glyphs, SIZE);
  glyphs.forEach((glyph, i) => blendGlyph(image, glyph, spots[i], brightColour(rng)));
  return { image: image.data, mask: segmentationMask(SIZE, glyphs, spots, digits) };
}

/** The `camvid_tiny` sample. */
export const camvidTiny: SampleDef = {
  name: 'camvid_tiny',
  title: 'CamVid tiny (digit segmentation)',
  description:
    'Segmentation in the CamVid layout: 200 RGB 64x64 images in images/ (img_0.png ...) with masks in labels/ ' + '(img_0_P.png, pixel value = class index) and codes.txt listing Void, Background and Zero to Nine.',
  seed: 1212,
  build(out, mnist, rng) {
    for (let i = 0; i < COUNT; i++) {
      const scene = makeScene(rng, mnist.train);
      out.write(`images/img_${i}.png`, encodeRgb(SIZE, SIZE, scene.image));
      out.write(`labels/img_${i}_P.png`, encodeGray(SIZE, SIZE, scene.mask));
    }
    out.write('codes.txt', CAMVID_CODES.join('\n') + '\n');
  },
};
