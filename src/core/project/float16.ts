import * as tf from '@tensorflow/tfjs';

/**
 * Artifacts whose float32 weights are stored as float16: half the download. tfjs reads them back
 * (`tf.loadLayersModel` widens float16-quantized weights to float32 as it loads), so the model
 * is the same network with each weight rounded to 11 significant bits. Training stays float32:
 * tfjs 4 has no float16 kernels to train with.
 */
export function float16Artifacts(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs ?? [];
  const source = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
  const parts: Uint8Array[] = [];
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  let at = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : spec.dtype === 'bool' ? 1 : 4);
    const chunk = source.slice(at, at + bytes);
    at += bytes;
    if (spec.dtype !== 'float32' || spec.quantization) {
      parts.push(chunk);
      outSpecs.push(spec);
      continue;
    }
    const floats = new Float32Array(chunk.buffer, chunk.byteOffset, count);
    parts.push(new Uint8Array(Uint16Array.from(floats, toFloat16Bits).buffer));
    outSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  parts.reduce((offset, p) => (data.set(p, offset), offset + p.byteLength), 0);
  return { ...artifacts, weightSpecs: outSpecs, weightData: data.buffer };
}

const view = new DataView(new ArrayBuffer(4));

/** IEEE 754 half-precision bits of `x`, rounded to nearest even; overflow becomes infinity. */
export function toFloat16Bits(x: number): number {
  view.setFloat32(0, x);
  const bits = view.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // NaN keeps a quiet bit; infinity stays
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit 1 into place, rounding to even.
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rounded = (m + half - 1 + ((m >>> shift) & 1)) >>> shift;
    return sign | rounded;
  }
  const rounded = mantissa + 0xfff + ((mantissa >>> 13) & 1);
  // A carry out of the mantissa bumps the exponent, which the addition below does by itself.
  return sign | ((((e << 23) + rounded) >>> 13) & 0x7fff);
}
