import type { DataBlock } from './block';
import type { PreviewTile } from './preview';
import type { SizeSpec } from './sizeSpec';
import { countByClass, type ClassCounts } from './summary';
import type { DataBlockSpec } from './types';

/**
 * A built image data block as the page sees it: plain, serializable data with no pixels. The
 * training worker owns the block itself (`workers/imageData.ts`) and sends this view, so the
 * pictures live in one heap only.
 */
export interface BlockView extends Pick<DataBlock, 'ok' | 'task' | 'classes' | 'voidIndex' | 'skipped' | 'problems' | 'steps'> {
  /** Paths of the training and validation items: their counts, and what a test folder leaves out. */
  readonly train: readonly string[];
  readonly valid: readonly string[];
  /** Items per class in each split (`countByClass`); empty for points and segmentation. */
  readonly counts: readonly ClassCounts[];
  /** True when the block was too big to keep decoded: batches decode their pictures as they need them. */
  readonly streamed: boolean;
  /** fastai's `DataBlock.summary` walk, then the decoding speed line. */
  readonly summary: readonly string[];
  readonly size: SizeSpec;
  /** show_batch of the block as built (draw `batch.draw`). */
  readonly batch: BatchTiles;
}

/** One draw of show_batch: plain tiles, or why they could not be drawn. */
export interface BatchTiles {
  readonly draw: number;
  readonly tiles: readonly PreviewTile[];
  readonly error?: string;
}

/**
 * The page's view of `block`: counts, paths, problems and the summary lines, no pixels.
 * @example viewOfBlock(block, spec, await summarize(block, spec), { draw: 0, tiles: [] }).train.length
 */
export function viewOfBlock(block: DataBlock, spec: DataBlockSpec, summary: readonly string[], batch: BatchTiles): BlockView {
  return {
    ok: block.ok,
    task: block.task,
    classes: block.classes,
    voidIndex: block.voidIndex,
    train: block.train.map((d) => d.item.path),
    valid: block.valid.map((d) => d.item.path),
    counts: countByClass(block),
    skipped: block.skipped,
    problems: block.problems,
    steps: block.steps,
    streamed: block.pixels.streamed,
    summary,
    size: spec.transforms.size,
    batch,
  };
}

/** The summary line on decoding speed: how long a folder takes to load, and by whom. */
export function decodeRate(images: number, ms: number, decoderName: string, streamed = false): string {
  const rate = `${images} images in ${(ms / 1000).toFixed(1)} s (${Math.round((images * 1000) / Math.max(ms, 1))} images/s)`;
  // A streamed block only read the headers while building; batches decode the pictures later.
  return streamed ? `Headers: ${rate} checked; batches decode the pictures as they need them` : `Decode: ${rate} by ${decoderName}`;
}
