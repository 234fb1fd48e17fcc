import type { ImageDecoder, LabeledItem, Problem, RawImage } from './types';

/** An item of a built block; its pixels come from the block's `PixelSource`. */
export interface BlockItem {
  readonly item: LabeledItem;
}

/** Whether an item carries its pixels (a kept picture, an added correction) rather than only a file. */
export function hasPixels(entry: BlockItem): entry is DecodedItem {
  return 'image' in entry;
}

/** An item whose image (and mask) decoded cleanly, kept at a bounded resolution. */
export interface DecodedItem extends BlockItem {
  readonly image: RawImage;
  /** Mask pixels (class id in the R channel), same size as `image`. */
  readonly mask?: RawImage;
  /** Point in `image` pixel coordinates (after any shrink). */
  readonly point?: readonly [number, number];
}

/** Progress of a long decode, for a progress line in the UI. */
export type DecodeProgress = (done: number, total: number) => void;

/** Bytes of decoded pixels a data block may keep (RGBA); the training worker keeps the only copy. */
export const DECODED_BUDGET_BYTES = 1024 * 2 ** 20;

/** How large the decoded pictures are kept, and whether even the smallest useful size is over the budget. */
export interface KeptSize {
  /** Shorter side, in pixels, that larger pictures are brought down to. */
  readonly shortSide: number;
  readonly overBudget: boolean;
}

/**
 * The shorter side to keep pictures at: `2 * size`, so a random crop and zoom at `size` still
 * sees real detail, lowered towards `size` when `count` square pictures at that side would pass
 * `budget` bytes (a 40,479-tile Planet folder at 64 px keeps 81 px rather than 128; at 128 px
 * even `size` is over the budget, and the block says so).
 */
export function keptSize(count: number, size: number, budget = DECODED_BUDGET_BYTES): KeptSize {
  const fits = Math.floor(Math.sqrt(budget / (4 * Math.max(count, 1))));
  return { shortSide: Math.max(size, Math.min(2 * size, fits)), overBudget: count * 4 * size * size > budget };
}

/**
 * Decodes every item. An unreadable image, a mask of the wrong size or a mask value outside
 * the codes is reported with its file and skipped; every other item is kept.
 * Large pictures come back with their shorter side near `keptSize(...).shortSide`: the decoder
 * scales them while decoding when it can (the browser), otherwise they are shrunk here by an
 * integer factor. Either way memory stays bounded without changing what a crop at `size` sees.
 */
export async function decodeItems(
  items: readonly LabeledItem[],
  decode: ImageDecoder,
  opts: { size: number; numCodes: number; onProgress?: DecodeProgress; concurrency?: number; shortSide?: number },
): Promise<{ decoded: DecodedItem[]; problems: Problem[] }> {
  const results: (DecodedItem | Problem)[] = new Array(items.length);
  const shortSide = opts.shortSide ?? 2 * opts.size;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await decodeOne(items[i], decode, shortSide, opts.numCodes);
      opts.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  const decoded = results.filter((r): r is DecodedItem => 'item' in r);
  const problems = results.filter((r): r is Problem => 'message' in r);
  return { decoded, problems };
}

/** Decodes one item (and its mask) at `shortSide`, or says why it cannot be used. */
export async function decodeOne(item: LabeledItem, decode: ImageDecoder, shortSide: number, numCodes: number): Promise<DecodedItem | Problem> {
  let decoded: RawImage;
  try {
    decoded = await decode(item.file, { shortSide, filter: 'smooth' });
  } catch (e) {
    return { level: 'error', file: item.path, line: item.line, message: `${item.path} could not be read as an image (${(e as Error).message}): skipped` };
  }
  const factor = shrinkFactor(decoded, shortSide);
  const image = withSource(shrink(decoded, factor, 'average'), decoded);
  if (item.label.kind === 'point') {
    const outside = pointOutside(item, ...sourceSize(decoded));
    if (outside) return outside;
    // The file's coordinates, scaled as the decoder scaled, then as the integer shrink did.
    const [sx, sy] = [decoded.width / sourceSize(decoded)[0], decoded.height / sourceSize(decoded)[1]];
    return { item, image, point: [(item.label.x * sx) / factor, (item.label.y * sy) / factor] };
  }
  if (item.label.kind !== 'mask') return { item, image };
  let mask: RawImage;
  try {
    mask = await decode(item.label.file, { shortSide, filter: 'nearest' });
  } catch (e) {
    return { level: 'error', file: item.label.file.path, message: `Mask ${item.label.file.path} could not be read (${(e as Error).message}): ${item.path} skipped` };
  }
  const problem = checkMask(item, decoded, mask, numCodes);
  return problem ?? { item, image, mask: withSource(shrink(mask, factor, 'nearest'), mask) };
}

/**
 * Says why a point label lies outside its `width x height` picture (in the file's own pixels,
 * edges included), as a per-item error like a point that is not a number; null when inside or not a point.
 */
export function pointOutside(item: LabeledItem, width: number, height: number): Problem | null {
  if (item.label.kind !== 'point') return null;
  const { x, y } = item.label;
  if (x >= 0 && x <= width && y >= 0 && y <= height) return null;
  const where = item.line !== undefined ? `line ${item.line}: ` : '';
  return { level: 'error', file: item.path, line: item.line, message: `${where}point (${x}, ${y}) for ${item.path} is outside its ${width}x${height} picture: skipped` };
}

/** Width and height of the file's own picture, before any scaling. */
function sourceSize(image: RawImage): [number, number] {
  return [image.sourceWidth ?? image.width, image.sourceHeight ?? image.height];
}

/** `image` labelled with the file size `from` came from, so a second decode (the worker's) can be checked and scaled alike. */
function withSource(image: RawImage, from: RawImage): RawImage {
  const [sourceWidth, sourceHeight] = sourceSize(from);
  return { width: image.width, height: image.height, data: image.data, sourceWidth, sourceHeight };
}

function checkMask(item: LabeledItem, image: RawImage, mask: RawImage, numCodes: number): Problem | null {
  const maskPath = item.label.kind === 'mask' ? item.label.file.path : '';
  const [[mw, mh], [iw, ih]] = [sourceSize(mask), sourceSize(image)];
  if (mw !== iw || mh !== ih) {
    return { level: 'error', file: maskPath, message: `Mask ${maskPath} is ${mw}x${mh} but its image ${item.path} is ${iw}x${ih}: skipped` };
  }
  for (let p = 0; p < mask.data.length; p += 4) {
    if (mask.data[p] >= numCodes) {
      const px = p / 4;
      return {
        level: 'error',
        file: maskPath,
        message: `Mask ${maskPath} has value ${mask.data[p]} at (${px % mask.width}, ${Math.floor(px / mask.width)}), but codes.txt lists only ${numCodes} classes (0..${numCodes - 1}): skipped`,
      };
    }
  }
  return null;
}

/** Integer factor that brings the shorter side near `shortSide` (not below it); 1 when the picture is small. */
export function shrinkFactor(image: RawImage, shortSide: number): number {
  return Math.max(1, Math.floor(Math.min(image.width, image.height) / shortSide));
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
