/**
 * Item-level sizing on plain typed arrays (no tensors), as fastai's `Resize(method=...)`.
 *
 * Coordinates are continuous pixel units: source pixel `i` covers `[i, i + 1)`, so its centre is
 * `i + 0.5`. A resize is fully described by the source window that becomes the output rectangle
 * (`ResizeGeometry`), so a mask and a point can be given exactly the crop their image got.
 */
import type { Rng } from '../data/random';
import { sidesOf, type SizeSpec } from '../data/sizeSpec';
import type { RawImage, ResizeMethod } from '../data/types';

/** How an image is sampled: bilinear for pictures, nearest for class ids. */
export type Interpolation = 'bilinear' | 'nearest';

/**
 * The source window, in source pixel units, that is stretched onto the `outWidth x outHeight`
 * output. It lies inside the source for `crop` and `squish` and extends past it (zero padding)
 * for `pad`.
 */
export interface ResizeGeometry {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly outWidth: number;
  readonly outHeight: number;
  /** Left edge of the window (negative when padding on the left). */
  readonly x0: number;
  /** Top edge of the window (negative when padding on top). */
  readonly y0: number;
  readonly width: number;
  readonly height: number;
}

/** A sized picture: `outHeight*outWidth*3` RGB bytes and how they were obtained. */
export interface SizedImage {
  readonly pixels: Uint8Array;
  readonly geometry: ResizeGeometry;
}

/**
 * Chooses the source window for a method. For `crop` and `pad` the window has the output's
 * shape (as fastai's `Resize`: the largest such window inside the source for crop, the smallest
 * holding the whole source for pad), its position random with an `rng` (training) and central
 * without (validation); fastai also places the padding at random in training. Offsets are whole
 * source pixels.
 * @example resizeGeometry(4, 2, 2, 'crop', null) // { x0: 1, y0: 0, width: 2, height: 2, ... }
 */
export function resizeGeometry(srcWidth: number, srcHeight: number, size: SizeSpec, method: ResizeMethod, rng: Rng | null): ResizeGeometry {
  const { height: outHeight, width: outWidth } = sidesOf(size);
  const base = { srcWidth, srcHeight, outWidth, outHeight };
  if (method === 'squish') return { ...base, x0: 0, y0: 0, width: srcWidth, height: srcHeight };
  const fit = method === 'crop' ? Math.min : Math.max;
  const scale = fit(srcWidth / outWidth, srcHeight / outHeight);
  // Whole source pixels; the side that limits the window keeps the source's exact length.
  const width = Math.round(outWidth * scale);
  const height = Math.round(outHeight * scale);
  return { ...base, x0: windowStart(srcWidth - width, rng), y0: windowStart(srcHeight - height, rng), width, height };
}

/** Offset of a window `diff` pixels smaller (crop, diff > 0) or larger (pad, diff < 0) than the source. */
function windowStart(diff: number, rng: Rng | null): number {
  const span = Math.abs(diff);
  // Every whole offset 0..span is reachable in training; validation takes the centre, rounded down.
  const k = rng ? Math.min(span, Math.floor(rng() * (span + 1))) : Math.floor(span / 2);
  return Math.sign(diff) * k;
}

/**
 * Resizes an RGBA image to `size` (a side, or [height, width]) as RGB (alpha is dropped, not
 * composited). Bilinear shrinking widens the triangle filter to the scale, as PIL's resize that
 * fastai uses, so small outputs do not alias. Padding is zeros (fastai pads with reflection by
 * default; zeros keep the padded area recognisable and need no source pixels outside the picture).
 * @example const { pixels, geometry } = resizeItem(img, [120, 160], 'crop', rng, 'bilinear');
 */
export function resizeItem(image: RawImage, size: SizeSpec, method: ResizeMethod, rng: Rng | null, interpolation: Interpolation): SizedImage {
  const geometry = resizeGeometry(image.width, image.height, size, method, rng);
  return { pixels: sampleImage(image, geometry, interpolation), geometry };
}

/** Resamples an RGBA image through a geometry into RGB bytes; exported for previews that reuse a geometry. */
export function sampleImage(image: RawImage, g: ResizeGeometry, interpolation: Interpolation): Uint8Array {
  const cols = axisTaps(image.width, g.x0, g.width, g.outWidth, interpolation);
  const rows = axisTaps(image.height, g.y0, g.height, g.outHeight, interpolation);
  // Separable: horizontal pass into floats, then vertical; cost h*outW*taps + outH*outW*taps.
  return verticalPass(horizontalPass(image, cols, g.outWidth), rows, g.outWidth, g.outHeight);
}

/** Filters every source row along x: tmp[y][i] = sum_k w_k * src[y][index_k], RGB only. */
function horizontalPass(image: RawImage, cols: AxisTaps, outWidth: number): Float32Array {
  const { width: w, height: h, data } = image;
  // The taps in locals: this pass is most of a resize, and of the off-thread batch preparation.
  const { stride, count, index, weight } = cols;
  const tmp = new Float32Array(h * outWidth * 3);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let o = y * outWidth * 3;
    for (let i = 0; i < outWidth; i++, o += 3) {
      let r = 0,
        gr = 0,
        b = 0;
      const end = i * stride + count[i];
      for (let t = i * stride; t < end; t++) {
        const p = (row + index[t]) * 4;
        const wt = weight[t];
        r += wt * data[p];
        gr += wt * data[p + 1];
        b += wt * data[p + 2];
      }
      tmp[o] = r;
      tmp[o + 1] = gr;
      tmp[o + 2] = b;
    }
  }
  return tmp;
}

/** Filters the row-filtered image along y into bytes: out[j] = round(clamp(sum_k w_k * tmp[index_k], 0, 255)). */
function verticalPass(tmp: Float32Array, rows: AxisTaps, outWidth: number, outHeight: number): Uint8Array {
  const n = outWidth * 3;
  const out = new Uint8Array(outHeight * n);
  const acc = new Float32Array(n);
  const { stride, count, index, weight } = rows;
  for (let j = 0; j < outHeight; j++) {
    acc.fill(0);
    for (let t = j * stride; t < j * stride + count[j]; t++) {
      const src = index[t] * n;
      const wt = weight[t];
      for (let q = 0; q < n; q++) acc[q] += wt * tmp[src + q];
    }
    for (let q = 0; q < n; q++) out[j * n + q] = Math.round(Math.min(255, Math.max(0, acc[q])));
  }
  return out;
}

/** Source taps for each output position along one axis: `count[i]` taps from `index`/`weight` at `i*stride`. */
interface AxisTaps {
  readonly stride: number;
  readonly count: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

/**
 * Taps along one axis. Output `i` is centred at source `c = x0 + (i + 0.5) * win / size`.
 * Bilinear: weight = max(0, 1 - |j + 0.5 - c| / support), support = max(1, win / size), over the
 * padded window; padding taps count in the normalisation but read zero, so a padded border
 * blends into black symmetrically. Nearest: the pixel under `c`, or nothing in the padding.
 */
function axisTaps(srcLen: number, x0: number, win: number, size: number, interpolation: Interpolation): AxisTaps {
  const ratio = win / size;
  const support = interpolation === 'nearest' ? 0.5 : Math.max(1, ratio);
  const stride = interpolation === 'nearest' ? 1 : Math.ceil(2 * support) + 2;
  const count = new Int32Array(size);
  const index = new Int32Array(size * stride);
  const weight = new Float32Array(size * stride);
  const lo = Math.floor(x0);
  const hi = Math.ceil(x0 + win) - 1;
  for (let i = 0; i < size; i++) {
    const c = x0 + (i + 0.5) * ratio;
    if (interpolation === 'nearest') {
      const j = Math.floor(c);
      if (j >= 0 && j < srcLen) {
        count[i] = 1;
        index[i] = j;
        weight[i] = 1;
      }
      continue;
    }
    let total = 0;
    let n = 0;
    for (let j = Math.max(lo, Math.floor(c - support)); j <= Math.min(hi, Math.ceil(c + support)); j++) {
      const wt = Math.max(0, 1 - Math.abs(j + 0.5 - c) / support);
      total += wt;
      if (wt > 0 && j >= 0 && j < srcLen) {
        index[i * stride + n] = j;
        weight[i * stride + n] = wt;
        n++;
      }
    }
    for (let k = 0; k < n; k++) weight[i * stride + k] /= total;
    count[i] = n;
  }
  return { stride, count, index, weight };
}

/**
 * Sizes a mask exactly as its image: class ids from the R channel, nearest neighbour, padding 0,
 * to the geometry's output size. A mask stored at another resolution than its image is mapped
 * proportionally.
 * @example const target = resizeMask(maskImage, geometry);
 */
export function resizeMask(mask: RawImage, geometry: ResizeGeometry): Uint8Array {
  const fx = mask.width / geometry.srcWidth;
  const fy = mask.height / geometry.srcHeight;
  const { outWidth, outHeight } = geometry;
  const cols = axisTaps(mask.width, geometry.x0 * fx, geometry.width * fx, outWidth, 'nearest');
  const rows = axisTaps(mask.height, geometry.y0 * fy, geometry.height * fy, outHeight, 'nearest');
  const out = new Uint8Array(outWidth * outHeight);
  for (let j = 0; j < outHeight; j++) {
    if (rows.count[j] === 0) continue;
    const rowStart = rows.index[j] * mask.width;
    for (let i = 0; i < outWidth; i++) {
      if (cols.count[i] === 0) continue;
      out[j * outWidth + i] = mask.data[(rowStart + cols.index[i]) * 4];
    }
  }
  return out;
}

/**
 * Maps a point in source pixel units to output pixel units: out = (src - x0) * outWidth / width.
 * @example mapPoint(geometry, 120.5, 80) // [x, y] in 0..outWidth, 0..outHeight
 */
export function mapPoint(geometry: ResizeGeometry, x: number, y: number): [number, number] {
  const { x0, y0, width, height, outWidth, outHeight } = geometry;
  return [((x - x0) * outWidth) / width, ((y - y0) * outHeight) / height];
}

/** Inverse of `mapPoint`: output pixel units back to source pixel units, src = x0 + out * width / outWidth. */
export function unmapPoint(geometry: ResizeGeometry, x: number, y: number): [number, number] {
  const { x0, y0, width, height, outWidth, outHeight } = geometry;
  return [x0 + (x * width) / outWidth, y0 + (y * height) / outHeight];
}

/**
 * Output pixel units to fastai's point scale, each axis by its own side: u = 2x / width - 1, so
 * -1 is the left/top edge and +1 the right/bottom edge.
 * @example toUnitRange(0, 112, 224) // [-1, 0]; toUnitRange(80, 60, 160, 120) // [0, 0]
 */
export function toUnitRange(x: number, y: number, width: number, height = width): [number, number] {
  return [(2 * x) / width - 1, (2 * y) / height - 1];
}

/** Inverse of `toUnitRange`: x = (u + 1) * width / 2, y = (v + 1) * height / 2. */
export function fromUnitRange(u: number, v: number, width: number, height = width): [number, number] {
  return [((u + 1) * width) / 2, ((v + 1) * height) / 2];
}
