import type { ImageDecoder, RawImage, SourceFile } from '../core/data/types';

/**
 * Decodes any format the browser knows (png, jpeg, webp, bmp, gif) off the main thread's
 * critical path: `createImageBitmap` decodes asynchronously, and only the pixel read-back
 * touches an OffscreenCanvas. Colour conversion and premultiplication are switched off so a
 * mask's class ids come back exactly as stored.
 */
export const decodeInBrowser: ImageDecoder = async (file: SourceFile): Promise<RawImage> => {
  const bytes = await file.read();
  if (bytes.length === 0) throw new Error('empty file');
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error('the browser cannot decode it');
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas to read pixels');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width, height, data };
};
