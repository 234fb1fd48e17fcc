/**
 * PNG encoding with pngjs. Options are fixed so the same pixels always give the same bytes.
 */
import { PNG } from 'pngjs';

/** PNG colour types used here: 0 = 8-bit grayscale, 2 = 8-bit RGB. */
type ColorType = 0 | 2;

function encode(width: number, height: number, data: Uint8Array, colorType: ColorType): Buffer {
  const channels = colorType === 0 ? 1 : 3;
  if (data.length !== width * height * channels) {
    throw new Error(`PNG data has ${data.length} bytes, expected ${width}x${height}x${channels}`);
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
}

/**
 * Encodes one byte per pixel as an 8-bit grayscale PNG (colour type 0).
 * @example encodeGray(28, 28, mnistImage(train, 7463))
 */
export function encodeGray(width: number, height: number, data: Uint8Array): Buffer {
  return encode(width, height, data, 0);
}

/** Encodes three bytes per pixel (R, G, B, row-major) as an 8-bit RGB PNG (colour type 2). */
export function encodeRgb(width: number, height: number, data: Uint8Array): Buffer {
  return encode(width, height, data, 2);
}
