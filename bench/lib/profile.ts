import * as tf from '@tensorflow/tfjs';
import { round } from './stats';

/** Time and calls of one kernel name, per step. */
export interface KernelRow {
  readonly name: string;
  readonly ms: number;
  readonly calls: number;
}

/** A `tf.profile` of some steps, per step. */
export interface StepProfile {
  /** Wall time of a profiled step (inflated by the profiler's per-kernel sync). */
  readonly wallMs: number;
  /** Sum of kernel times. */
  readonly kernelMs: number;
  /** Kernels launched. */
  readonly calls: number;
  /** Every kernel name, slowest first. */
  readonly kernels: readonly KernelRow[];
}

/**
 * Profiles `run` (which trains `steps` steps) with `tf.profile` and sums kernel time and
 * launches by kernel name, per step. The profiler waits for each kernel, so `kernelMs` is time
 * inside kernels and the rest of a step's wall time is the JavaScript around them.
 */
export async function profileSteps(run: () => Promise<void>, steps: number): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(run);
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { ms: number; calls: number }>();
  // `name__op` entries are op scopes (customGrad ops such as fusedConv2d) whose kernels are listed too.
  const kernels = info.kernels.filter((k) => !k.name.endsWith('__op'));
  for (const k of kernels) {
    const t = await k.kernelTimeMs;
    const ms = typeof t === 'number' ? t : 0;
    const row = byName.get(k.name) ?? { ms: 0, calls: 0 };
    byName.set(k.name, { ms: row.ms + ms, calls: row.calls + 1 });
  }
  const rows = [...byName.entries()].map(([name, r]) => ({ name, ms: round(r.ms / steps, 2), calls: round(r.calls / steps, 1) })).sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((s, k) => s + k.ms, 0);
  return { wallMs: round(wallMs / steps, 1), kernelMs: round(kernelMs, 1), calls: round(kernels.length / steps, 1), kernels: rows };
}

/** Per kernel name, `a` minus `b` (ms and calls per step), largest time difference first. */
export function kernelDiff(a: StepProfile, b: StepProfile, top = 8): KernelRow[] {
  const names = new Set([...a.kernels, ...b.kernels].map((k) => k.name));
  const find = (p: StepProfile, n: string) => p.kernels.find((k) => k.name === n) ?? { ms: 0, calls: 0 };
  return [...names]
    .map((name) => ({ name, ms: round(find(a, name).ms - find(b, name).ms, 2), calls: round(find(a, name).calls - find(b, name).calls, 1) }))
    .sort((x, y) => Math.abs(y.ms) - Math.abs(x.ms))
    .slice(0, top);
}
