/**
 * A training batch prepared on plain typed arrays, with no tfjs: crop and resize, the affine
 * augmentation (flip, rotate, zoom, warp), lighting and normalization, as the loader's `collate`
 * does on the backend. It runs where tfjs is not loaded (a batch-preparation worker), so that on
 * wasm and CPU, whose kernels share the training thread, the next batches are made elsewhere
 * while a step runs. Every random choice arrives drawn (`PrepareJob`): the training thread draws
 * in the loader's order, so a seed and an epoch give the same batch on either path.
 *
 * This module imports nothing that loads tfjs: a worker bundles only these loops.
 */
import { transformInto, type TransformSpec as KernelSpec } from '../tf/transformKernel';
import { toPixelTransform } from '../transforms/affine';
import { lightImageInPlace, type LightingDraw } from '../transforms/lightingValues';
import { applyToPoint, matInvert, type Mat3 } from '../transforms/matrix';
import { resizeMask, sampleImage, type ResizeGeometry } from '../transforms/resize';
import { pointTarget } from './examples';
import type { RawImage, Stats } from './types';

/** One picture of a job: its decoded pixels and the crop drawn for it. */
export interface PrepareItem {
  readonly image: RawImage;
  readonly geometry: ResizeGeometry;
  /** Segmentation: the mask (class id in R), cut and moved as the picture. */
  readonly mask?: RawImage;
  /** Points: the point in source pixels, moved as the picture. */
  readonly point?: readonly [number, number];
}

/** A training batch to prepare, with every random choice already drawn. */
export interface PrepareJob {
  readonly items: readonly PrepareItem[];
  /** Unit-space matrices (output -> input), one per picture, or null when all are the identity. */
  readonly mats: readonly Mat3[] | null;
  readonly lighting: LightingDraw | null;
  readonly stats: Stats;
}

/** A prepared batch: float32 [n, height, width, 3] normalized pixels, and the moved masks or points. */
export interface PreparedBatch {
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly x: Float32Array;
  /** Int32 [n, height, width] class ids (segmentation). */
  readonly masks?: Int32Array;
  /** Float32 [n, 2], (x, y) in [-1, 1] (points). */
  readonly points?: Float32Array;
}

/**
 * Prepares a job. Per picture: the loader's resize (`sampleImage`, the same bytes as
 * `makeExample`), bytes to 0..1, one bilinear resampling through the picture's matrix with
 * reflected borders (`transformInto`, the studio's own Transform kernel), lighting, then
 * (x - mean) / std. Masks take nearest neighbour through the same matrix; points its inverse.
 * @example const batch = prepareBatch({ items, mats, lighting, stats });
 */
export function prepareBatch(job: PrepareJob): PreparedBatch {
  const n = job.items.length;
  const { outHeight: height, outWidth: width } = job.items[0].geometry;
  const per = height * width * 3;
  const x = new Float32Array(n * per);
  const scratch = job.mats ? new Float32Array(per) : null;
  // The backend path sends the 8 parameters as a float32 tensor: rounding them alike keeps the
  // two paths on the same sample positions.
  const params = job.mats?.map((m) => Float32Array.from(toPixelTransform(m, width, height)));
  const scale = job.stats.std.map((s) => 1 / s);
  for (let b = 0; b < n; b++) {
    const out = x.subarray(b * per, (b + 1) * per);
    const bytes = sampleImage(job.items[b].image, job.items[b].geometry, 'bilinear');
    const unit = scratch ?? out;
    for (let i = 0; i < per; i++) unit[i] = bytes[i] / 255;
    if (scratch) transformInto(scratch, params![b], out, kernelSpec(height, width, 3, 'bilinear'));
    if (job.lighting) lightImageInPlace(out, job.lighting, b);
    // (x - mean) / std, as `normalizeBatch`'s one pass on CPU threads.
    for (let i = 0; i < per; i += 3) {
      out[i] = (out[i] - job.stats.mean[0]) * scale[0];
      out[i + 1] = (out[i + 1] - job.stats.mean[1]) * scale[1];
      out[i + 2] = (out[i + 2] - job.stats.mean[2]) * scale[2];
    }
  }
  const batch = { n, height, width, x };
  if (job.items[0].mask) return { ...batch, masks: prepareMasks(job, params, height, width) };
  if (job.items[0].point) return { ...batch, points: preparePoints(job) };
  return batch;
}

/** Masks sized as their pictures, then moved with nearest neighbour (reflected, as `augmentBatch` without a fill). */
function prepareMasks(job: PrepareJob, params: Float32Array[] | undefined, height: number, width: number): Int32Array {
  const per = height * width;
  const out = new Int32Array(job.items.length * per);
  const ids = new Float32Array(per);
  const moved = new Float32Array(per);
  job.items.forEach((item, b) => {
    const sized = resizeMask(item.mask!, item.geometry);
    if (!params) return out.set(sized, b * per);
    ids.set(sized);
    transformInto(ids, params[b], moved, kernelSpec(height, width, 1, 'nearest'));
    // Ids are small integers, exact in float32.
    for (let i = 0; i < per; i++) out[b * per + i] = moved[i];
  });
  return out;
}

/** Points sized as their pictures, then moved by each matrix's inverse: p' = M⁻¹ · [x, y, 1]. */
function preparePoints(job: PrepareJob): Float32Array {
  const out = new Float32Array(job.items.length * 2);
  job.items.forEach((item, b) => {
    const [u, v] = pointTarget(item.point!, item.geometry);
    const [pu, pv] = job.mats ? applyToPoint(matInvert(job.mats[b]), u, v) : [u, v];
    out[2 * b] = pu;
    out[2 * b + 1] = pv;
  });
  return out;
}

function kernelSpec(height: number, width: number, channels: number, interpolation: 'bilinear' | 'nearest'): KernelSpec {
  return { batch: 1, height, width, channels, outHeight: height, outWidth: width, transformCount: 1, interpolation, fillMode: 'reflect', fillValue: 0 };
}

/** The buffers a prepared batch can hand over without a copy (`postMessage`'s transfer list). */
export function transferablesOf(batch: PreparedBatch): ArrayBuffer[] {
  return [batch.x, batch.masks, batch.points].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
}
