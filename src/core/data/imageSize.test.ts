import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { imageSize } from './imageSize';
import { pngBytes } from './testing/fixtures';

describe('imageSize', () => {
  it('reads PNG, JPEG and GIF sizes from their headers', () => {
    expect(imageSize(pngBytes(28, 20, () => [1, 2, 3]))).toEqual({ width: 28, height: 20 });
    const jpg = jpeg.encode({ data: new Uint8Array(40 * 30 * 4).fill(128), width: 40, height: 30 }, 80).data;
    expect(imageSize(new Uint8Array(jpg))).toEqual({ width: 40, height: 30 });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x0a, 0x01, 0x05, 0x00]);
    expect(imageSize(gif)).toEqual({ width: 266, height: 5 });
  });

  it('says null for anything else', () => {
    expect(imageSize(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(imageSize(new TextEncoder().encode('this is not a png at all'))).toBeNull();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });
});
