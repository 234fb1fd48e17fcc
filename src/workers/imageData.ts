import { buildDataBlock, makeDataLoaders, type DataBlock } from '../core/data/block';
import { decodeRate, viewOfBlock, type BatchTiles, type BlockView } from '../core/data/blockView';
import { hasPixels, type DecodeProgress } from '../core/data/decode';
import type { BatchPreparer } from '../core/data/preparePool';
import { previewBatch } from '../core/data/preview';
import { summarize } from '../core/data/summary';
import type { DataBlockSpec, ImageDecoder, SourceFile } from '../core/data/types';
import type { SessionData } from './sessionState';

/** Who decodes the worker's pictures, and how the summary names it ("2 decode workers"). */
export interface NamedDecoder {
  readonly decode: ImageDecoder;
  readonly name: string;
}

/** A build's outcome: the block, the session's data when the block is usable, and how long decoding took. */
export interface BuiltImageData {
  readonly block: DataBlock;
  readonly data: SessionData | null;
  readonly ms: number;
}

/**
 * Builds the image data block from the files, once: the pictures are decoded here and stay here.
 * `preparer` makes its training batches on wasm and CPU (see `makeLoader`).
 */
export async function buildImageData(spec: DataBlockSpec, files: readonly SourceFile[], decode: ImageDecoder, onProgress?: DecodeProgress, preparer?: BatchPreparer): Promise<BuiltImageData> {
  const started = performance.now();
  const block = await buildDataBlock(spec, { files, decode, onProgress });
  const ms = performance.now() - started;
  return { block, ms, data: block.ok ? { block, spec, dls: makeDataLoaders(block, spec, preparer) } : null };
}

/**
 * The page's view of a build: counts, problems, the summary walk with the decoding speed by
 * `decoderName`, and show_batch tiles for `draw`. No pixels cross.
 */
export async function describeImageData(built: BuiltImageData, spec: DataBlockSpec, decoderName: string, draw: number): Promise<BlockView> {
  const { block, data, ms } = built;
  const summary = await summarize(block, spec);
  if (!data) return viewOfBlock(block, spec, summary, { draw, tiles: [] });
  const rate = decodeRate(block.train.length + block.valid.length, ms, decoderName, block.pixels.streamed);
  return viewOfBlock(block, spec, [...summary, rate], await drawTiles(data, draw));
}

/**
 * show_batch of the session's block as plain tiles; a failure is the tiles' error, not the
 * build's, so a block that trains is never lost to its preview.
 */
export async function drawTiles(data: SessionData, draw: number): Promise<BatchTiles> {
  try {
    return { draw, tiles: await previewBatch(data.block, data.spec, draw) };
  } catch (e) {
    return { draw, tiles: [], error: `show_batch failed: ${(e as Error).message}` };
  }
}

/** Bytes of decoded pixels the block keeps (a streamed block's live cache), for the memory checks. */
export function keptPixelBytes(data: SessionData): number {
  const { block } = data;
  if (block.pixels.streamed) return block.pixels.cachedBytes();
  let bytes = 0;
  for (const d of [...block.train, ...block.valid]) if (hasPixels(d)) bytes += d.image.data.byteLength + (d.mask?.data.byteLength ?? 0);
  return bytes;
}
