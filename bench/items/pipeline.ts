/**
 * Item 4 (Node side): images/s through the studio's data pipeline for a generated folder of
 * 256 px JPEGs trained at 128 px: decode (`decodeInNode`, through `buildDataBlock`), then per
 * epoch resize (`makeExample` -> `resizeItem`, random crop) and collate (`collate`: stack,
 * default augmentation on the backend, normalize), on one thread, compared with how fast
 * training consumes images at 128 px (item 2). The browser's worker pool is not measured here.
 * Run alone: `npx tsx bench/items/pipeline.ts` (it measures the small CNN's rate itself).
 */
import * as tf from '@tensorflow/tfjs';
import { buildDataBlock } from '../../src/core/data/block';
import { makeExample } from '../../src/core/data/examples';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../../src/core/data/infer';
import { collate, type LoaderOptions } from '../../src/core/data/loader';
import { loadAll } from '../../src/core/data/pixels';
import { makeRng } from '../../src/core/data/random';
import type { DataBlockSpec } from '../../src/core/data/types';
import type { BackendName } from '../../src/core/tf/backend';
import { decodeInNode } from '../../src/io/node/nodeDecode';
import { readFolder } from '../../src/io/node/nodeFiles';
import { BENCH_BACKENDS, useBackend } from '../lib/backend';
import { writeJpegFolder } from '../lib/jpegFolder';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { NO_TIME, addLaps, startClock, type Lap } from '../lib/clock';
import { round } from '../lib/stats';
import { writePipelineSection } from '../report/pipelineWrite';
import { matrixBench, type MatrixRow } from './backendMatrix';
import { offThreadBench, type OffThreadResult } from './pipelineOffThread';

const COUNT = 320;
const SOURCE = 256;
const SIZE = 128;
/** The second training size of the off-thread part (4b): the ImageNet bodies' own. */
const LARGE = 224;
const BATCH = 32;
/** Batches resized and augmented per backend: one warm-up, then 5 timed (augmentation takes ~3 s a batch on the CPU backend). */
const EPOCH_BATCHES = 6;

/** Rates of one backend, all on wall time or all on this process's CPU time. */
export interface PipelineRates {
  readonly decodePerSecond: number;
  /** makeExample: random crop + bilinear resize to 128 px. */
  readonly resizePerSecond: number;
  /** collate: tensors, augmentation, normalization, read back. */
  readonly augmentPerSecond: number;
  /** resize + augment: an epoch over decoded items, as the studio's loader runs now. */
  readonly perEpochPerSecond: number;
  /** decode + resize + augment: every image decoded again (a streaming pipeline without a cache). */
  readonly coldPerSecond: number;
  /** The model that trains through images fastest at 128 px (item 2), and its samples/s: the hardest one to keep fed. */
  readonly fastest: { readonly model: string; readonly samplesPerSecond: number };
  /** coldPerSecond / fastest: the target figure. */
  readonly ratioCold: number;
  readonly ratioPerEpoch: number;
}

/** Item 4 on one backend (decode is backend-independent and shared). */
export interface PipelineBackend {
  readonly backend: BackendName;
  readonly wall: PipelineRates;
  readonly cpu: PipelineRates;
}

/** Item 4's result. */
export interface PipelineResult {
  readonly item: 4;
  readonly setup: string;
  readonly decodedImages: number;
  readonly megabytesOnDisk: number;
  /** Peak resident set and array-buffer memory of the process during decode and the epochs, MB. */
  readonly peakRssMb: number;
  readonly peakArrayBuffersMb: number;
  readonly rssBeforeMb: number;
  readonly backends: readonly PipelineBackend[];
  /** wasm only: the loader with batch-preparation workers (the studio's path on wasm and CPU). */
  readonly offThread?: OffThreadResult;
  readonly target: number;
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Runs item 4; `trainRows` are item 2's rows (measured here for the small CNN when absent). */
export async function pipelineBench(trainRows?: readonly MatrixRow[], backends: readonly BackendName[] = BENCH_BACKENDS): Promise<PipelineResult> {
  // The pretrained body frozen is the fastest consumer at 128 px on wasm: measured here too.
  const rows = trainRows ?? (await matrixBench({ backends, archs: ['smallCnn', 'pretrained'], sizes: [SIZE], trainOnly: true })).rows;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  let peakBuffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  };
  const t0 = performance.now();
  const folder = writeJpegFolder(COUNT, SOURCE);
  try {
    const files = readFolder(folder.root);
    const bytes = files.reduce((s, f) => s + f.size, 0);
    progress(`item 4: wrote ${COUNT} JPEGs (${mb(bytes)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const spec: DataBlockSpec = { ...DEFAULT_SPEC, transforms: { ...DEFAULT_TRANSFORMS, size: SIZE }, batch: { batchSize: BATCH, seed: 42 } };
    const decodeClock = startClock();
    const block = await buildDataBlock(spec, { files, decode: decodeInNode, onProgress: sample });
    const decode = decodeClock();
    if (!block.ok) throw new Error(`the generated folder did not build: ${block.problems.map((p) => p.message).join('; ')}`);
    const decoded = await loadAll(block.pixels, [...block.train, ...block.valid]);
    const items = decoded.slice(0, EPOCH_BATCHES * BATCH);
    const opts: LoaderOptions = { task: 'single', numClasses: block.classes.length, transforms: spec.transforms, batchSize: BATCH, seed: 42, stats: block.stats, train: true };
    const out: PipelineBackend[] = [];
    for (const backend of backends) {
      await useBackend(backend);
      const rng = makeRng(1);
      let resize = NO_TIME;
      let augment = NO_TIME;
      // Batch 0 is a warm-up (first kernel calls), timed from batch 1 on.
      for (let b = 0; b * BATCH < items.length; b++) {
        const chunk = items.slice(b * BATCH, (b + 1) * BATCH);
        const resizeClock = startClock();
        const examples = chunk.map((d) => makeExample(d, spec.transforms, 'single', opts.numClasses, rng));
        const resized = resizeClock();
        const augmentClock = startClock();
        const batch = collate(examples, opts, rng);
        await batch.x.data();
        const augmented = augmentClock();
        tf.dispose([batch.x, batch.y]);
        sample();
        if (b === 0) continue;
        resize = addLaps(resize, resized);
        augment = addLaps(augment, augmented);
      }
      const timed = items.length - Math.min(BATCH, items.length);
      const train = rows.filter((r) => r.backend === backend && r.size === SIZE && r.mode === 'train');
      const rates = (pick: (l: Lap) => number, consumption: (r: MatrixRow) => number): PipelineRates => {
        const [decodeEach, resizeEach, augmentEach] = [pick(decode) / decoded.length, pick(resize) / timed, pick(augment) / timed];
        const fastest = train.map((r) => ({ model: r.model, samplesPerSecond: consumption(r) })).sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0] ?? { model: 'none', samplesPerSecond: NaN };
        const perEpoch = 1000 / (resizeEach + augmentEach);
        const cold = 1000 / (decodeEach + resizeEach + augmentEach);
        return {
          decodePerSecond: round(1000 / decodeEach),
          resizePerSecond: round(1000 / resizeEach),
          augmentPerSecond: round(1000 / augmentEach),
          perEpochPerSecond: round(perEpoch),
          coldPerSecond: round(cold),
          fastest,
          ratioCold: round(cold / fastest.samplesPerSecond, 2),
          ratioPerEpoch: round(perEpoch / fastest.samplesPerSecond, 2),
        };
      };
      const wall = rates(
        (l) => l.wallMs,
        (r) => r.result.samplesPerSecond,
      );
      const cpu = rates(
        (l) => l.cpuMs,
        (r) => r.result.samplesPerCpuSecond,
      );
      out.push({ backend, wall, cpu });
      progress(`item 4 on ${backend}: resize ${wall.resizePerSecond}/s, augment ${wall.augmentPerSecond}/s, cold ${wall.coldPerSecond}/s vs training ${wall.fastest.samplesPerSecond}/s (${wall.fastest.model})`);
    }
    const offThread = backends.includes('wasm') ? await offThreadPart(block, spec, rows) : undefined;
    return {
      item: 4,
      setup: `${COUNT} generated ${SOURCE} px JPEGs (quality 85) decoded; ${EPOCH_BATCHES - 1} timed batches of ${BATCH} resized to ${SIZE} px and augmented (fastai defaults) per backend; one thread in Node for these rows; 4b runs the training loader with worker_threads at ${SIZE} and ${LARGE} px`,
      decodedImages: decoded.length,
      megabytesOnDisk: mb(bytes),
      peakRssMb: mb(peakRss),
      peakArrayBuffersMb: mb(peakBuffers),
      rssBeforeMb: mb(rssBefore),
      backends: out,
      offThread,
      target: 3,
    };
  } finally {
    folder.remove();
  }
}

/**
 * The off-thread measurements on wasm at 128 and 224 px, each against the fastest wasm training
 * at that size: item 2's rows where they have it; item 2 stops at 128 px, so at 224 px the
 * pretrained body (frozen and unfrozen; the fastest consumer at 128 px) is timed here. The data
 * wait is timed with the in-thread loader and 1 and 2 workers at both sizes (~70 s at 224 px on 2 busy cores).
 */
async function offThreadPart(block: Parameters<typeof offThreadBench>[0], spec: DataBlockSpec, rows: readonly MatrixRow[]): Promise<OffThreadResult> {
  await useBackend('wasm');
  const fastestAt = (size: number, from: readonly MatrixRow[]) => {
    const best = from.filter((r) => r.backend === 'wasm' && r.size === size && r.mode === 'train').sort((a, b) => b.result.samplesPerSecond - a.result.samplesPerSecond)[0];
    return best ? { model: best.model, samplesPerSecond: best.result.samplesPerSecond, samplesPerCpuSecond: best.result.samplesPerCpuSecond } : undefined;
  };
  const none = { model: 'none', samplesPerSecond: NaN, samplesPerCpuSecond: NaN };
  const large = fastestAt(LARGE, rows) ?? fastestAt(LARGE, (await matrixBench({ backends: ['wasm'], archs: ['pretrained'], sizes: [LARGE], trainOnly: true })).rows);
  return offThreadBench(block, spec, [
    { size: SIZE, fastest: fastestAt(SIZE, rows) ?? none, waitWorkers: [0, 1, 2] },
    { size: LARGE, fastest: large ?? none, waitWorkers: [0, 1, 2] },
  ]);
}

if (isMain(import.meta.url)) {
  const result = await pipelineBench();
  printJson(result);
  // `--write` puts this run's section 4 and target line into bench/RESULTS.md, leaving the rest.
  if (process.argv.includes('--write')) writePipelineSection(result);
}
