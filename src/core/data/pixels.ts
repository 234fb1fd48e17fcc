import { decodeOne, hasPixels, pointOutside, type BlockItem, type DecodedItem } from './decode';
import { imageSize } from './imageSize';
import type { ImageDecoder, LabeledItem, Problem } from './types';

/**
 * Where a built block's pictures come from when a batch needs them: kept in memory since the
 * build, or decoded again from the file (streamed) through a cache bounded in bytes.
 */
export interface PixelSource {
  /** True when pictures are decoded as batches need them rather than kept. */
  readonly streamed: boolean;
  /**
   * The item's decoded pixels. An item that already carries them (a kept picture, an added
   * correction) is its own answer.
   * @throws Error naming the file when a streamed picture cannot be decoded
   */
  load(entry: BlockItem): Promise<DecodedItem>;
  /** Streamed pictures that failed to decode: each is listed once, and left out of its batches. */
  readonly failures: readonly Problem[];
  /** Paths of the items behind `failures` (an item whose mask failed included). */
  failedItems(): ReadonlySet<string>;
  /** Bytes of pixels held in the cache now (streamed), for the summary and the tests. */
  cachedBytes(): number;
  /** How many decodes the source has run (streamed), to show that the cache works. */
  decodes(): number;
}

/** The source of a block whose pictures were all decoded during the build and are kept. */
export function keptPixels(): PixelSource {
  return {
    streamed: false,
    load: async (entry) => {
      if (!hasPixels(entry)) throw new Error(`${entry.item.path} has no decoded pixels`);
      return entry;
    },
    failures: [],
    failedItems: () => new Set(),
    cachedBytes: () => 0,
    decodes: () => 0,
  };
}

/**
 * The source of a block too large to keep decoded: each picture (and mask) is decoded when a
 * batch needs it, at `shortSide`, and the most recently used ones are kept until their pixels
 * pass `budgetBytes`. With random order and a cache smaller than the data, most loads decode.
 */
export function streamedPixels(decode: ImageDecoder, opts: { shortSide: number; numCodes: number; budgetBytes: number }): PixelSource {
  // A Map iterates in insertion order, so re-inserting on use makes its first key the least recently used.
  const cache = new Map<string, DecodedItem>();
  const failed = new Map<string, Problem>();
  let bytes = 0;
  let decodes = 0;
  const sizeOf = (d: DecodedItem) => d.image.data.byteLength + (d.mask?.data.byteLength ?? 0);
  return {
    streamed: true,
    async load(entry) {
      if (hasPixels(entry)) return entry;
      const path = entry.item.path;
      const hit = cache.get(path);
      if (hit) {
        cache.delete(path);
        cache.set(path, hit);
        return hit;
      }
      const known = failed.get(path);
      if (known) throw new Error(known.message);
      decodes++;
      const result = await decodeOne(entry.item, decode, opts.shortSide, opts.numCodes);
      if ('message' in result) {
        failed.set(path, result);
        throw new Error(result.message);
      }
      if (!cache.has(path)) {
        cache.set(path, result);
        bytes += sizeOf(result);
      }
      for (const [key, old] of cache) {
        if (bytes <= opts.budgetBytes) break;
        cache.delete(key);
        bytes -= sizeOf(old);
      }
      return result;
    },
    get failures() {
      return [...failed.values()];
    },
    failedItems: () => new Set(failed.keys()),
    cachedBytes: () => bytes,
    decodes: () => decodes,
  };
}

/**
 * Checks streamed items without decoding them: each picture must have a PNG, JPEG or GIF
 * header, a mask the same size as its picture, and a point inside it. The rest is found when a batch decodes it.
 */
export async function checkHeaders(items: readonly LabeledItem[], onProgress?: (done: number, total: number) => void): Promise<{ ok: LabeledItem[]; problems: Problem[] }> {
  const ok: LabeledItem[] = [];
  const problems: Problem[] = [];
  for (const [i, item] of items.entries()) {
    onProgress?.(i + 1, items.length);
    const size = imageSize(await item.file.read());
    if (!size) {
      problems.push({ level: 'error', file: item.path, line: item.line, message: `${item.path} is not a PNG, JPEG or GIF image: skipped` });
      continue;
    }
    const outside = pointOutside(item, size.width, size.height);
    if (outside) {
      problems.push(outside);
      continue;
    }
    if (item.label.kind === 'mask') {
      const mask = imageSize(await item.label.file.read());
      if (!mask || mask.width !== size.width || mask.height !== size.height) {
        const what = mask ? `is ${mask.width}x${mask.height}` : 'is not a PNG, JPEG or GIF image';
        problems.push({ level: 'error', file: item.label.file.path, message: `Mask ${item.label.file.path} ${what} but its image ${item.path} is ${size.width}x${size.height}: skipped` });
        continue;
      }
    }
    ok.push(item);
  }
  return { ok, problems };
}

/** Loads every entry, leaving out (and counting in `source.failures`) those that cannot be decoded. */
export async function loadAll(source: PixelSource, entries: readonly BlockItem[]): Promise<DecodedItem[]> {
  const loaded = await Promise.allSettled(entries.map((e) => source.load(e)));
  return loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}
