/** Axis arithmetic for the canvas charts: round-number ticks and a linear map to pixels. */

/**
 * About `count` round ticks (1, 2 or 5 times a power of ten) covering `lo..hi`, and the range
 * widened to the outer ticks so the top line of a chart is always labelled.
 * @example niceTicks(0, 0.73, 4) // { ticks: [0, 0.2, 0.4, 0.6, 0.8], lo: 0, hi: 0.8 }
 */
export function niceTicks(lo: number, hi: number, count = 5): { ticks: number[]; lo: number; hi: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { ticks: [0, 1], lo: 0, hi: 1 };
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const raw = (hi - lo) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounded to the step's decimals so labels read 0.6, not 0.6000000000000001.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let t = first; t <= last + step / 2; t += step) ticks.push(Number(t.toFixed(decimals)));
  return { ticks, lo: first, hi: last };
}

/** A tick label: plain for ordinary numbers, exponent form for learning rates and the tiny or huge. */
export function tickLabel(value: number, exponent = false): string {
  if (value === 0) return '0';
  if (exponent || Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(6)));
}

/** Maps `lo..hi` onto pixels `from..to` (to may be smaller: screen y grows downwards). */
export function linear(lo: number, hi: number, from: number, to: number): (v: number) => number {
  const k = hi === lo ? 0 : (to - from) / (hi - lo);
  return (v) => from + (v - lo) * k;
}

/** A loss this many times the curves' upper quartile is a blow-up, drawn running off the top. */
const BLOW_UP_FACTOR = 4;

/**
 * The top of a loss axis: the smoothed and validation curves and the first raw losses (where a
 * run starts), except a blow-up (a diverged fit reaching 1e3 or 1e8), which would flatten every
 * other curve into the floor: past 4x the curves' upper quartile the axis stops and says so.
 */
export function lossAxisTop(smooth: readonly number[], valid: readonly number[], firstRaw: readonly number[]): { top: number; offChart: number | null } {
  const values = [...smooth, ...valid, ...firstRaw].filter(Number.isFinite);
  if (values.length === 0) return { top: 1, offChart: null };
  const highest = Math.max(...values, 1e-3);
  const sorted = [...values].sort((a, b) => a - b);
  const upperQuartile = sorted[Math.floor(0.75 * (sorted.length - 1))];
  const cap = BLOW_UP_FACTOR * Math.max(upperQuartile, 1e-3);
  return highest > cap ? { top: cap, offChart: highest } : { top: highest, offChart: null };
}
