import { trySetBackend, type BackendName } from './backend';
import { rendererInfo } from './renderer';

/** One backend's measurement by `probeBackends`. */
export interface ProbeResult {
  readonly name: BackendName;
  /** Median wall time of one timed step after warm-up (robust to a GC pause); absent when the backend failed. */
  readonly msPerStep?: number;
  /** Why the backend did not start or its step threw. */
  readonly error?: string;
  /** True when a GPU backend runs on a WebGPU fallback adapter or a software renderer (SwiftShader). */
  readonly fallbackAdapter?: boolean;
  /** The adapter or renderer as the browser names it, when known. */
  readonly adapter?: string;
}

/** Options of `probeBackends`. */
export interface ProbeOptions {
  /** Untimed steps first: shader compilation, wasm start-up, first allocations (default 2). */
  readonly warmup?: number;
  /** Timed steps (default 5). */
  readonly reps?: number;
}

/**
 * Measures `step` on each candidate backend that starts: sets it (as `trySetBackend`), runs
 * `warmup` steps, then times `reps` steps one by one and keeps the median. `step` must finish
 * its work before it resolves (read a value back, e.g. `await loss.data()`), or GPU backends
 * would only be timed queueing it, and it must make its own tensors on the active backend
 * (build lazily per backend). The last backend that started stays active: set the one you pick
 * afterwards.
 * @example const results = await probeBackends(['webgpu', 'wasm', 'cpu'], step); const pick = pickFastest(results);
 */
export async function probeBackends(candidates: readonly BackendName[], step: () => Promise<void> | void, opts: ProbeOptions = {}): Promise<ProbeResult[]> {
  const { warmup = 2, reps = 5 } = opts;
  const results: ProbeResult[] = [];
  for (const name of candidates) {
    const error = await trySetBackend(name);
    if (error !== undefined) {
      results.push({ name, error });
      continue;
    }
    const renderer = await rendererInfo(name);
    const about = { ...(renderer.software ? { fallbackAdapter: true } : {}), ...(renderer.description ? { adapter: renderer.description } : {}) };
    try {
      for (let i = 0; i < warmup; i++) await step();
      const times: number[] = [];
      for (let i = 0; i < Math.max(1, reps); i++) {
        const t0 = performance.now();
        await step();
        times.push(performance.now() - t0);
      }
      results.push({ name, msPerStep: median(times), ...about });
    } catch (e) {
      results.push({ name, error: `its step failed: ${e instanceof Error ? e.message : String(e)}`, ...about });
    }
  }
  return results;
}

/** What `pickFastest` chose. */
export interface BackendPick {
  readonly name: BackendName;
  readonly msPerStep: number;
  /** One sentence a person can read: what runs, how fast, and why the others were passed over. */
  readonly reason: string;
}

/**
 * The fastest backend of a probe. A software GPU renderer (WebGPU fallback adapter, SwiftShader)
 * is only picked when it beats every other working backend by `softwareMargin` (default 1.5x) or
 * nothing else works: it competes with the page for the same CPU cores, and a short probe is a
 * noisy measure of it, so a near tie goes to wasm or cpu. Throws when no backend worked.
 * @example pickFastest([{ name: 'webgpu', msPerStep: 90, fallbackAdapter: true }, { name: 'wasm', msPerStep: 120 }]).name; // 'wasm'
 */
export function pickFastest(results: readonly ProbeResult[], softwareMargin = 1.5): BackendPick {
  const ok = results.filter((r): r is ProbeResult & { msPerStep: number } => r.msPerStep !== undefined && Number.isFinite(r.msPerStep));
  if (ok.length === 0) throw new Error(`No tfjs backend could run a step: ${results.map((r) => `${r.name}: ${r.error ?? 'not measured'}`).join('; ')}`);
  const byTime = [...ok].sort((a, b) => a.msPerStep - b.msPerStep);
  const real = byTime.filter((r) => !r.fallbackAdapter);
  const soft = byTime.find((r) => r.fallbackAdapter);
  const chosen = real.length === 0 ? byTime[0] : soft && soft.msPerStep * softwareMargin < real[0].msPerStep ? soft : real[0];
  const others = results.filter((r) => r !== chosen).map((r) => describeResult(r));
  const passedOver = soft && chosen !== soft && soft.msPerStep <= chosen.msPerStep;
  const why = chosen.fallbackAdapter
    ? real.length === 0
      ? 'it runs on a software adapter but nothing else works'
      : `it runs on a software adapter yet is over ${softwareMargin}x faster than anything else`
    : passedOver
      ? `${soft.name} measured ${ms(soft.msPerStep)} but on a software adapter${soft.adapter ? ` (${soft.adapter})` : ''}, which must be ${softwareMargin}x faster to be picked`
      : 'it is the fastest';
  const reason = `${chosen.name} runs at ${ms(chosen.msPerStep)} because ${why}${others.length ? ` (${others.join('; ')})` : ''}`;
  return { name: chosen.name, msPerStep: chosen.msPerStep, reason };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function ms(v: number): string {
  return `${v.toFixed(v < 10 ? 2 : 1)} ms/step`;
}

function describeResult(r: ProbeResult): string {
  if (r.msPerStep === undefined) return `${r.name} failed: ${r.error ?? 'not measured'}`;
  return `${r.name} ${ms(r.msPerStep)}${r.fallbackAdapter ? ' on a software adapter' : ''}`;
}
