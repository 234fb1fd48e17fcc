/**
 * Browser benchmark (issue 6): the built studio in headless Chromium, driven as a person would.
 *  1. Start-up probe: which backend `/` picks and the per-backend step timings it shows.
 *  2. Backends: mnist_tiny at 28 px, small CNN, fit_one_cycle(1, 1e-2) on each of
 *     webgpu, webgl, wasm, cpu (`?backend=`): epoch time, samples/s, data-wait share, accuracy.
 *  3. Responsiveness: main-thread long tasks (PerformanceObserver 'longtask') during each fit.
 *  5. Pipeline: a generated folder of 256 px JPEGs decoded and scaled to 128 px by one decode
 *     worker, then by the default pool (`pipeline.ts`).
 *  6. Peer: ml5.js neuralNetwork image classification vs the studio, both with their defaults, on
 *     mnist_tiny: time to 95% validation accuracy (`peer.ts`).
 *  4. Memory: page JS heap (performance.memory, after a forced GC) and the training worker's
 *     tf.memory() before and after a 3-epoch wasm fit; then a 1-epoch wasm fit under the CDP
 *     sampling profiler, to say what keeps the main thread busy.
 * Prints JSON on stdout (progress on stderr) and writes bench/RESULTS-browser.md.
 *
 * Run: `npm run -s bench:browser [-- --backends wasm,webgl --budget 120 --no-build --no-coi]`
 *   --backends   which backends to fit (default webgpu,webgl,wasm,cpu)
 *   --budget     seconds a 1-epoch fit may run before Stop is pressed (default 120; cpu: 60)
 *   --no-build   reuse the build in /tmp/bench-dist (or BENCH_DIST); built with source maps so the
 *                main-thread profile can name packages (a build without them names bundle files)
 *   --no-probe   skip the start-up probe page
 *   --no-coi     serve without the studio's COOP/COEP headers (not cross-origin isolated: wasm single-threaded)
 *   --pipeline N JPEGs in the pipeline item (default 5000; 0 skips it)
 *   --no-peer    skip the ml5.js comparison (it fetches ml5's tarball from the npm registry once)
 * Serves on 127.0.0.1:4179 (BENCH_PORT) so it does not collide with the e2e server on 4173.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { benchPeer, type PeerResult } from './peer';
import { benchPipeline, type BrowserPipelineResult } from './pipeline';
import { MainThreadProfiler, type ProfileSummary } from './profile';
import { renderMarkdown } from './report';
import { CHROMIUM_ARGS, chromiumPath } from '../../e2e/chromium';
import * as studio from './studio';

// The tests' flags (WebGPU and WebGL through SwiftShader, headless), plus precise (unbucketed)
// performance.memory for the heap readings.
const BENCH_CHROMIUM_ARGS = [...CHROMIUM_ARGS, '--enable-precise-memory-info'];

const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const LONG_TASK_TARGET_MS = 50;

interface Options {
  backends: string[];
  budgetS: number;
  build: boolean;
  probe: boolean;
  coi: boolean;
  pipeline: number;
  peer: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { backends: [...ALL_BACKENDS], budgetS: 120, build: true, probe: true, coi: true, pipeline: 5000, peer: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backends') o.backends = argv[++i].split(',').filter(Boolean);
    else if (a === '--budget') o.budgetS = Number(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else if (a === '--no-probe') o.probe = false;
    else if (a === '--no-coi') o.coi = false;
    else if (a === '--pipeline') o.pipeline = Number(argv[++i]);
    else if (a === '--no-peer') o.peer = false;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const log = (...args: unknown[]) => console.error('[bench:browser]', ...args);
const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : NaN);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface LongTaskSummary {
  supported: boolean;
  count: number;
  over50: number;
  maxMs: number;
  totalMs: number;
  /** Each long task: ms after Run was pressed, and its duration. */
  tasks: { atMs: number; ms: number }[];
  /** ms after Run when the run's status left 'running' (from the page's own record), if seen. */
  endedAtMs?: number;
  /** Of the long tasks over 50 ms: those that started while the fit ran, and after it ended (the chart catching up). */
  duringOver50: number;
  afterEndOver50: number;
}

export interface FitResult {
  backend: string;
  ok: boolean;
  error?: string;
  /** What the page reported as its backend (should equal `backend`). */
  active?: string;
  crossOriginIsolated?: boolean;
  train?: number;
  valid?: number;
  batchSize?: number;
  epochs?: number;
  status?: string;
  /** True when the fit ran past its budget and Stop was pressed. */
  stopped?: boolean;
  /** Seconds from clicking Run to the run's end (includes sending the data, validation). */
  fitWallS?: number;
  /** The epoch table's 'time' column (whole seconds), per epoch. */
  epochS?: number[];
  /** Median step (forward, backward, update) ms over every value the data-wait line showed. */
  stepMs?: number;
  /** Their mean: includes the first steps' warm-up (kernel compilation, shader builds). */
  stepMsMean?: number;
  /** Median ms a step waited for its batch, likewise. */
  dataWaitMs?: number;
  /** The line's last values, as the page shows them at the end. */
  lastStepMs?: number;
  lastDataWaitMs?: number;
  dataWaitShare?: number;
  samplesPerSecStep?: number;
  samplesPerSecEpoch?: number;
  accuracy?: number;
  trainLoss?: number;
  validLoss?: number;
  longTasks?: LongTaskSummary;
  setupS?: number;
  /** Every (wait, step) pair the data-wait line showed: ms after Run was pressed. */
  waits?: { atMs: number; waitMs: number; stepMs: number }[];
}

export interface MemoryResult {
  ok: boolean;
  error?: string;
  epochs: number;
  status?: string;
  fitWallS?: number;
  accuracy?: number;
  heapBefore?: { usedJSHeapSize: number; totalJSHeapSize: number } | null;
  heapAfter?: { usedJSHeapSize: number; totalJSHeapSize: number } | null;
  tfBefore?: Awaited<ReturnType<typeof studio.workerTfMemory>>;
  tfAfter?: Awaited<ReturnType<typeof studio.workerTfMemory>>;
  longTasks?: LongTaskSummary;
  /** A further 1-epoch fit on the same page under the CDP sampling profiler: where the main thread's time goes. */
  profile?: ProfileSummary & { longTasks: LongTaskSummary };
}

export interface ProbeResultOut {
  ok: boolean;
  error?: string;
  chosen?: string;
  reason?: string | null;
  timings?: { name: string; ms: number | null; text: string }[];
  seconds?: number;
  longTasks?: LongTaskSummary;
}

export interface BenchResult {
  when: string;
  chromium: string;
  cpus: number;
  /** 1/5/15-minute load averages at the start and at the end: the machine is shared. */
  loadavg: { start: number[]; end: number[] };
  url: string;
  crossOriginIsolatedServe: boolean;
  probe: ProbeResultOut | null;
  fits: FitResult[];
  memory: MemoryResult | null;
  pipeline: BrowserPipelineResult | null;
  peer: PeerResult | null;
  totalS: number;
  notes: string[];
}

function summariseLongTasks(rec: studio.PageRecord, from: number, to: number): LongTaskSummary {
  const tasks = rec.longtasks.filter((t) => t.start + t.duration >= from && t.start <= to);
  const ended = rec.statuses.find((s) => s.t >= from && s.t <= to + 1 && s.status !== 'running' && s.status !== '')?.t;
  const over = tasks.filter((t) => t.duration > LONG_TASK_TARGET_MS);
  // A task that contains the status change is the end-of-fit update (React's commit, then the
  // Plotly chart catching up), not work during the fit.
  const after = ended === undefined ? [] : over.filter((t) => t.start + t.duration >= ended);
  return {
    endedAtMs: ended === undefined ? undefined : round(ended - from, 0),
    duringOver50: over.length - after.length,
    afterEndOver50: after.length,
    supported: rec.longtaskSupported,
    count: tasks.length,
    over50: tasks.filter((t) => t.duration > LONG_TASK_TARGET_MS).length,
    maxMs: round(Math.max(0, ...tasks.map((t) => t.duration))),
    totalMs: round(tasks.reduce((a, t) => a + t.duration, 0)),
    tasks: tasks.map((t) => ({ atMs: round(t.start - from, 0), ms: round(t.duration, 0) })),
  };
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({ content: studio.INIT_SCRIPT });
  const page = await context.newPage();
  page.on('pageerror', (e) => log('page error:', e.message));
  return page;
}

/** One fit on the page as it stands (data loaded, learner built): times, rows, long tasks. */
async function timedFit(page: Page, epochs: number, budgetMs: number) {
  const before = (await studio.epochRows(page)).length;
  const from = await studio.now(page);
  const t0 = Date.now();
  await studio.startFit(page, epochs, '1e-2');
  const end = await studio.waitRunEnd(page, budgetMs);
  const fitWallS = (Date.now() - t0) / 1000;
  // The last progress message can trail the status change by a frame.
  await page.waitForTimeout(300);
  const to = await studio.now(page);
  const rec = await studio.pageRecord(page);
  const rows = (await studio.epochRows(page)).slice(before);
  const waits = rec.waits.filter((w) => w.t >= from && w.t <= to + 1);
  const last = await studio.dataWait(page);
  return { ...end, fitWallS, from, rows, waits, last, longTasks: summariseLongTasks(rec, from, to) };
}

/** One backend on a fresh page; `then` runs on the same page afterwards (data loaded, learner trained 1 epoch). */
async function benchBackend(browser: Browser, base: string, backend: string, budgetMs: number, then?: (page: Page) => Promise<void>): Promise<FitResult> {
  const page = await newPage(browser);
  const t0 = Date.now();
  try {
    const active = await studio.open(page, base, backend);
    log(`${backend}: page up (${active}); loading mnist_tiny`);
    const data = await studio.loadMnistTiny(page);
    await studio.buildLearner(page, 'smallCnn');
    const setupS = (Date.now() - t0) / 1000;
    log(`${backend}: learner built after ${setupS.toFixed(0)} s; fitting 1 epoch (budget ${budgetMs / 1000} s)`);
    const fit = await timedFit(page, 1, budgetMs);
    const steps = fit.waits.map((w) => w.stepMs).filter(Number.isFinite);
    const stepMs = median(steps);
    const waitMs = median(fit.waits.map((w) => w.waitMs).filter(Number.isFinite));
    const row = fit.rows[fit.rows.length - 1];
    const epochS = fit.rows.map((r) => r.time);
    const result: FitResult = {
      backend,
      ok: fit.status === 'done',
      active,
      crossOriginIsolated: (await page.evaluate('self.crossOriginIsolated')) as boolean,
      ...data,
      epochs: 1,
      status: fit.status,
      stopped: fit.stopped,
      fitWallS: round(fit.fitWallS),
      epochS,
      stepMs: round(stepMs),
      stepMsMean: round(mean(steps)),
      dataWaitMs: round(waitMs),
      lastStepMs: fit.last?.stepMs,
      lastDataWaitMs: fit.last?.waitMs,
      dataWaitShare: round(waitMs / (waitMs + stepMs), 3),
      samplesPerSecStep: round((data.batchSize * 1000) / stepMs),
      samplesPerSecEpoch: row && row.time > 0 ? round(data.train / row.time) : undefined,
      accuracy: row?.accuracy,
      trainLoss: row?.train_loss,
      validLoss: row?.valid_loss,
      longTasks: fit.longTasks,
      setupS: round(setupS),
      waits: fit.waits.map((w) => ({ atMs: round(w.t - fit.from, 0), waitMs: w.waitMs, stepMs: w.stepMs })),
    };
    if (!result.ok) result.error = fit.stopped ? `stopped after the ${budgetMs / 1000} s budget` : `run ended '${fit.status}'`;
    log(`${backend}: ${fit.status} in ${fit.fitWallS.toFixed(1)} s; step ${stepMs.toFixed(0)} ms; acc ${row?.accuracy}`);
    if (then && fit.status === 'done') await then(page);
    return result;
  } catch (e) {
    log(`${backend}: failed:`, (e as Error).message.split('\n')[0]);
    return { backend, ok: false, error: (e as Error).message.split('\n')[0] };
  } finally {
    await page.context().close();
  }
}

/**
 * On the wasm page after its 1-epoch fit (which serves as warm-up, so one-off allocations such as
 * kernels, buffers and the chart are not counted as growth): page heap and the worker's tf.memory()
 * around a 3-epoch fit, then a 1-epoch fit under the CDP sampling profiler.
 */
async function benchMemory(page: Page, budgetMs: number, distDir: string): Promise<MemoryResult> {
  const epochs = 3;
  try {
    const heapBefore = await studio.pageHeap(page);
    const tfBefore = await studio.workerTfMemory(page);
    log(`memory: ${epochs}-epoch wasm fit`);
    const fit = await timedFit(page, epochs, budgetMs * epochs);
    const heapAfter = await studio.pageHeap(page);
    const tfAfter = await studio.workerTfMemory(page);
    log('profile: 1-epoch wasm fit under the CDP profiler');
    const profiler = await MainThreadProfiler.start(page);
    const profiled = await timedFit(page, 1, budgetMs);
    const profile = { ...(await profiler.stop(distDir)), longTasks: profiled.longTasks };
    return {
      ok: fit.status === 'done',
      epochs,
      status: fit.status,
      fitWallS: round(fit.fitWallS),
      accuracy: fit.rows[fit.rows.length - 1]?.accuracy,
      heapBefore,
      heapAfter,
      tfBefore,
      tfAfter,
      longTasks: fit.longTasks,
      profile,
    };
  } catch (e) {
    return { ok: false, epochs, error: (e as Error).message.split('\n')[0] };
  }
}

async function benchProbe(browser: Browser, base: string): Promise<ProbeResultOut> {
  const page = await newPage(browser);
  const t0 = Date.now();
  try {
    await page.goto(`${base}/`);
    const timings = await studio.probeTimings(page);
    const chosen = ((await page.getByTestId('backend').textContent()) ?? '').trim();
    const reason = await page.getByTestId('backend').getAttribute('data-reason');
    const rec = await studio.pageRecord(page);
    return { ok: true, chosen, reason, timings, seconds: round((Date.now() - t0) / 1000), longTasks: summariseLongTasks(rec, 0, await studio.now(page)) };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0] };
  } finally {
    await page.context().close();
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const outDir = process.env.BENCH_DIST ?? '/tmp/bench-dist';
  const port = Number(process.env.BENCH_PORT ?? 4179);
  if (opts.build || !existsSync(join(outDir, 'index.html'))) {
    log(`building into ${outDir}`);
    await build({ logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: true } });
  }
  const headers: Record<string, string> = opts.coi ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server = await preview({ logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, headers } });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BENCH_CHROMIUM_ARGS });
  const result: BenchResult = {
    when: new Date().toISOString(),
    chromium: browser.version(),
    cpus: cpus().length,
    loadavg: { start: loadavg().map((x) => round(x, 2)), end: [] },
    url: base,
    crossOriginIsolatedServe: opts.coi,
    probe: null,
    fits: [],
    memory: null,
    pipeline: null,
    peer: null,
    totalS: 0,
    notes: [],
  };
  try {
    if (opts.probe) {
      log('start-up probe on /');
      result.probe = await benchProbe(browser, base);
      log('probe:', result.probe.chosen, JSON.stringify(result.probe.timings?.map((t) => [t.name, t.ms])));
    }
    for (const b of opts.backends) {
      const budgetS = b === 'cpu' ? Math.min(opts.budgetS, 60) : opts.budgetS;
      const memory = b === 'wasm' ? async (page: Page) => void (result.memory = await benchMemory(page, budgetS * 1000, outDir)) : undefined;
      result.fits.push(await benchBackend(browser, base, b, budgetS * 1000, memory));
    }
    if (opts.pipeline > 0) {
      log(`pipeline: ${opts.pipeline} generated JPEGs`);
      result.pipeline = await benchPipeline(browser, base, newPage, opts.pipeline, log);
    }
    if (opts.peer) {
      log('peer: ml5.js vs the studio on mnist_tiny');
      result.peer = await benchPeer(browser, base, newPage, log);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  result.totalS = round((Date.now() - started) / 1000);
  result.loadavg.end = loadavg().map((x) => round(x, 2));
  const path = join(process.cwd(), 'bench', 'RESULTS-browser.md');
  writeFileSync(path, renderMarkdown(result));
  console.log(JSON.stringify(result, null, 2));
  log(`wrote ${path} in ${result.totalS} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
