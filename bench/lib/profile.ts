import * as tf from '@tensorflow/tfjs';
import { median, round } from './stats';

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
 * Profiles `run` (which trains `steps` steps) `runs` times with `tf.profile` and sums kernel time
 * and launches by kernel name, per step, keeping each kernel's median over the runs: a kernel
 * that was preempted by a neighbour in one run does not carry that pause into the table. The
 * profiler waits for each kernel, so `kernelMs` is time inside kernels and the rest of a step's
 * wall time is the JavaScript around them.
 */
export async function profileSteps(run: () => Promise<void>, steps: number, runs = 3): Promise<StepProfile> {
  const perRun: Map<string, { ms: number; calls: number }>[] = [];
  const walls: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const info = await tf.profile(run);
    walls.push(performance.now() - t0);
    const byName = new Map<string, { ms: number; calls: number }>();
    // `name__op` entries are op scopes (customGrad ops such as fusedConv2d) whose kernels are listed too.
    for (const k of info.kernels.filter((k) => !k.name.endsWith('__op'))) {
      const t = await k.kernelTimeMs;
      const row = byName.get(k.name) ?? { ms: 0, calls: 0 };
      byName.set(k.name, { ms: row.ms + (typeof t === 'number' ? t : 0), calls: row.calls + 1 });
    }
    perRun.push(byName);
  }
  const names = new Set(perRun.flatMap((m) => [...m.keys()]));
  const rows = [...names]
    .map((name) => {
      const of = (key: 'ms' | 'calls') => median(perRun.map((m) => m.get(name)?.[key] ?? 0)) / steps;
      return { name, ms: round(of('ms'), 2), calls: round(of('calls'), 1) };
    })
    .sort((a, b) => b.ms - a.ms);
  return {
    wallMs: round(median(walls) / steps, 1),
    kernelMs: round(
      rows.reduce((s, k) => s + k.ms, 0),
      1,
    ),
    calls: round(
      rows.reduce((s, k) => s + k.calls, 0),
      1,
    ),
    kernels: rows,
  };
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
