import type { DecodeHint, ImageDecoder, RawImage, SourceFile } from '../core/data/types';

/** Colour conversion and premultiplication off, so a mask's class ids come back exactly as stored. */
const EXACT = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' } as const;

/**
 * Decodes any format the browser knows (png, jpeg, webp, bmp, gif) off the main thread's
 * critical path: `createImageBitmap` decodes asynchronously, and only the pixel read-back
 * touches an OffscreenCanvas. With a hint, a large picture is scaled by the browser before
 * the read-back, so the full-size pixels never reach JavaScript.
 */
export const decodeInBrowser: ImageDecoder = async (file: SourceFile, hint?: DecodeHint): Promise<RawImage> => decodeBytes(await file.read(), hint);

/** `decodeInBrowser` on bytes already read: what a decode worker of the pool runs. */
export async function decodeBytes(bytes: Uint8Array, hint?: DecodeHint): Promise<RawImage> {
  if (bytes.length === 0) throw new Error('empty file');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), EXACT);
  } catch {
    throw new Error('the browser cannot decode it');
  }
  const [sourceWidth, sourceHeight] = [bitmap.width, bitmap.height];
  const target = hint ? scaledSize(sourceWidth, sourceHeight, hint.shortSide) : null;
  if (target && hint) {
    // 'pixelated' is nearest-neighbour: a mask keeps its exact ids; 'medium' filters a picture.
    const quality = hint.filter === 'nearest' ? 'pixelated' : 'medium';
    const scaled = await createImageBitmap(bitmap, { ...EXACT, resizeWidth: target[0], resizeHeight: target[1], resizeQuality: quality });
    bitmap.close();
    bitmap = scaled;
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas to read pixels');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return target ? { width, height, data, sourceWidth, sourceHeight } : { width, height, data };
}

/**
 * The size a `width x height` picture is scaled to so its shorter side is `shortSide`, or null
 * when it is not larger than that. Image and mask get the same size from the same file size.
 * @example scaledSize(1000, 500, 128) // [256, 128]
 */
export function scaledSize(width: number, height: number, shortSide: number): [number, number] | null {
  const shorter = Math.min(width, height);
  if (shorter <= shortSide) return null;
  const k = shortSide / shorter;
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))];
}
