import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { extensionOf } from '../../core/data/paths';
import type { ImageDecoder, RawImage, SourceFile } from '../../core/data/types';

/**
 * Decodes PNG and JPEG in Node (command line, tests) into RGBA. The browser decodes every
 * format with `createImageBitmap`; Node needs a decoder per format, and these two cover the
 * samples and most folders people have.
 */
export const decodeInNode: ImageDecoder = async (file: SourceFile): Promise<RawImage> => {
  const bytes = await file.read();
  if (bytes.length === 0) throw new Error('empty file');
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (isPng) {
    const png = PNG.sync.read(Buffer.from(bytes));
    return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
  }
  if (isJpeg) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data };
  }
  throw new Error(`unsupported or corrupt ${extensionOf(file.path) || 'file'} (Node decodes png and jpeg)`);
};
