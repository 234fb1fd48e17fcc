/**
 * Browser pipeline item (issue 6, item 4): a generated folder of 256 px JPEGs chosen in the
 * studio, decoded and scaled to the kept 128 px (a 64 px block keeps twice its size) by one
 * decode worker, then by the default pool. The figure is the page's own summary line
 * ("Decode: N images in S s (R images/s) by K decode workers"), which times the data block's
 * build from the folder's files to the decoded pixels.
 */
import type { Browser, Page } from '@playwright/test';
import { writeJpegFolder } from '../lib/jpegFolder';
import * as studio from './studio';

/** One decode of the whole folder with `decoders` workers. */
export interface PipelineRun {
  readonly decoders: number;
  readonly images: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** The walk's "decoded: WxH" for its first item: the kept size. */
  readonly kept: string;
  /** Page JS heap after the build (forced GC), MiB; the decoded pixels live in ArrayBuffers outside it. */
  readonly heapMb: number | null;
}

export interface BrowserPipelineResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly count: number;
  readonly sourcePx: number;
  readonly megabytesOnDisk: number;
  readonly runs: readonly PipelineRun[];
}

const SOURCE_PX = 256;

/** Decodes a generated folder of `count` JPEGs with 1 worker and with the page's default pool. */
export async function benchPipeline(browser: Browser, base: string, newPage: (b: Browser) => Promise<Page>, count: number, log: (...a: unknown[]) => void): Promise<BrowserPipelineResult> {
  const folder = writeJpegFolder(count, SOURCE_PX);
  const megabytesOnDisk = Math.round(folder.bytes / 2 ** 20);
  const runs: PipelineRun[] = [];
  try {
    for (const decoders of [1, 0]) {
      const page = await newPage(browser);
      try {
        await studio.open(page, base, 'wasm', 180_000, decoders ? { decoders: String(decoders) } : {});
        await page.getByTestId('folder-input').setInputFiles(folder.root);
        const walk = page.getByTestId('block-walk');
        await walk.filter({ hasText: `Decode: ${count} images` }).waitFor({ state: 'attached', timeout: 600_000 });
        const text = (await walk.textContent()) ?? '';
        const m = /Decode: (\d+) images in ([\d.]+) s \((\d+) images\/s\) by (\d+) decode workers?/.exec(text);
        if (!m) throw new Error(`no decode line in the walk: ${text.slice(0, 200)}`);
        const kept = /decoded: (\d+x\d+)/.exec(text)?.[1] ?? '?';
        const heap = await studio.pageHeap(page);
        const run = { decoders: Number(m[4]), images: Number(m[1]), seconds: Number(m[2]), imagesPerSecond: Number(m[3]), kept, heapMb: heap ? Math.round(heap.usedJSHeapSize / 2 ** 20) : null };
        log(`pipeline: ${run.images} images by ${run.decoders} decode worker(s) in ${run.seconds} s (${run.imagesPerSecond}/s), kept ${kept}`);
        runs.push(run);
      } finally {
        await page.context().close();
      }
    }
    return { ok: true, count, sourcePx: SOURCE_PX, megabytesOnDisk, runs };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0], count, sourcePx: SOURCE_PX, megabytesOnDisk, runs };
  } finally {
    folder.remove();
  }
}
