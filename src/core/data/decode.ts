import type { ImageDecoder, LabeledItem, Problem, RawImage } from './types';

/** An item whose image (and mask) decoded cleanly, kept at a bounded resolution. */
export interface DecodedItem {
  readonly item: LabeledItem;
  readonly image: RawImage;
  /** Mask pixels (class id in the R channel), same size as `image`. */
  readonly mask?: RawImage;
  /** Point in `image` pixel coordinates (after any shrink). */
  readonly point?: readonly [number, number];
}

/** Progress of a long decode, for a progress line in the UI. */
export type DecodeProgress = (done: number, total: number) => void;

/**
 * Decodes every item. An unreadable image, a mask of the wrong size or a mask value outside
 * the codes is reported with its file and skipped; every other item is kept.
 * Large pictures are shrunk by an integer factor so the shorter side stays near `2 * size`,
 * which bounds memory without changing what a crop at `size` sees.
 */
export async function decodeItems(
  items: readonly LabeledItem[],
  decode: ImageDecoder,
  opts: { size: number; numCodes: number; onProgress?: DecodeProgress; concurrency?: number },
): Promise<{ decoded: DecodedItem[]; problems: Problem[] }> {
  const results: (DecodedItem | Problem)[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await decodeOne(items[i], decode, opts.size, opts.numCodes);
      opts.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  const decoded = results.filter((r): r is DecodedItem => 'item' in r);
  const problems = results.filter((r): r is Problem => 'message' in r);
  return { decoded, problems };
}

async function decodeOne(item: LabeledItem, decode: ImageDecoder, size: number, numCodes: number): Promise<DecodedItem | Problem> {
  let image: RawImage;
  try {
    image = await decode(item.file);
  } catch (e) {
    return { level: 'error', file: item.path, line: item.line, message: `${item.path} could not be read as an image (${(e as Error).message}): skipped` };
  }
  const factor = shrinkFactor(image, size);
  if (item.label.kind === 'point') {
    return { item, image: shrink(image, factor, 'average'), point: [item.label.x / factor, item.label.y / factor] };
  }
  if (item.label.kind !== 'mask') return { item, image: shrink(image, factor, 'average') };
  let mask: RawImage;
  try {
    mask = await decode(item.label.file);
  } catch (e) {
    return { level: 'error', file: item.label.file.path, message: `Mask ${item.label.file.path} could not be read (${(e as Error).message}): ${item.path} skipped` };
  }
  const problem = checkMask(item, image, mask, numCodes);
  return problem ?? { item, image: shrink(image, factor, 'average'), mask: shrink(mask, factor, 'nearest') };
}

function checkMask(item: LabeledItem, image: RawImage, mask: RawImage, numCodes: number): Problem | null {
  const maskPath = item.label.kind === 'mask' ? item.label.file.path : '';
  if (mask.width !== image.width || mask.height !== image.height) {
    return { level: 'error', file: maskPath, message: `Mask ${maskPath} is ${mask.width}x${mask.height} but its image ${item.path} is ${image.width}x${image.height}: skipped` };
  }
  for (let p = 0; p < mask.data.length; p += 4) {
    if (mask.data[p] >= numCodes) {
      const px = p / 4;
      return { level: 'error', file: maskPath, message: `Mask ${maskPath} has value ${mask.data[p]} at (${px % mask.width}, ${Math.floor(px / mask.width)}), but codes.txt lists only ${numCodes} classes (0..${numCodes - 1}): skipped` };
    }
  }
  return null;
}

/** Integer factor that brings the shorter side near `2 * size`; 1 when the picture is small. */
export function shrinkFactor(image: RawImage, size: number): number {
  return Math.max(1, Math.floor(Math.min(image.width, image.height) / (2 * size)));
}

/**
 * Shrinks by an integer factor: block average for pictures, top-left sample for masks
 * (a mask value is a class id, and an average of ids is meaningless).
 */
export function shrink(image: RawImage, factor: number, mode: 'average' | 'nearest'): RawImage {
  if (factor === 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Uint8Array(width * height * 4);
  const area = mode === 'average' ? factor * factor : 1;
  const span = mode === 'average' ? factor : 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < span; dy++) for (let dx = 0; dx < span; dx++) sum += image.data[((y * factor + dy) * image.width + x * factor + dx) * 4 + c];
        data[(y * width + x) * 4 + c] = Math.round(sum / area);
      }
    }
  }
  return { width, height, data };
}
