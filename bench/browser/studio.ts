/**
 * Drives the studio in a Playwright page for the browser benchmark, the way e2e/pages/studio.ts
 * does, but without the test runner's `expect` (this runs as a plain script). Also installs the
 * page-side recorders: main-thread long tasks and every value the `data-wait` line shows.
 */
import type { Page } from '@playwright/test';

/** What the init script keeps on `window.__bench`. */
export interface PageRecord {
  readonly longtaskSupported: boolean;
  readonly longtasks: { start: number; duration: number }[];
  /** Each distinct (data-wait-ms, data-step-ms) pair the page showed, with when. */
  readonly waits: { t: number; waitMs: number; stepMs: number }[];
  /** Each change of the latest run's status (running, done, stopped, ...), with when. */
  readonly statuses: { t: number; status: string }[];
}

/**
 * Runs before the app's own scripts. Kept as a string: functions handed to the page are
 * serialised, and tsx's transform can add helpers (`__name`) the page does not have.
 */
export const INIT_SCRIPT = `
(() => {
  const rec = { longtaskSupported: false, longtasks: [], waits: [], statuses: [] };
  window.__bench = rec;
  try {
    rec.longtaskSupported = PerformanceObserver.supportedEntryTypes.includes('longtask');
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) rec.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { rec.longtaskSupported = false; }
  let last = '';
  let lastStatus = '';
  new MutationObserver(() => {
    const runs = document.querySelectorAll('[data-testid="fit-run-output"]');
    const status = runs.length ? runs[runs.length - 1].getAttribute('data-status') || '' : '';
    if (status !== lastStatus) {
      lastStatus = status;
      rec.statuses.push({ t: performance.now(), status });
    }
    const el = document.querySelector('[data-testid="data-wait"]');
    if (!el) return;
    const w = el.getAttribute('data-wait-ms'), s = el.getAttribute('data-step-ms');
    const key = w + '/' + s;
    if (key === last) return;
    last = key;
    rec.waits.push({ t: performance.now(), waitMs: Number(w), stepMs: Number(s) });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-wait-ms', 'data-step-ms', 'data-status'] });
})();
`;

/** Waits for a test id's element; `state` as Playwright's `waitFor`. */
async function visible(page: Page, testId: string, timeout: number): Promise<void> {
  await page.getByTestId(testId).first().waitFor({ state: 'visible', timeout });
}

/** Opens the studio (with `?backend=` when given) and returns the backend it reports. */
export async function open(page: Page, base: string, backend?: string, timeout = 180_000, params: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({ ...(backend ? { backend } : {}), ...params }).toString();
  await page.goto(query ? `${base}/?${query}` : `${base}/`);
  const want = backend ? `^${backend}$` : '^(webgpu|webgl|wasm|cpu)$';
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="backend"]')?.textContent?.trim() ?? ''), want, { timeout, polling: 250 });
  return ((await page.getByTestId('backend').textContent()) ?? '').trim();
}

/** The start-up probe's timings (ms per step, empty when unavailable) and the text of each. */
export async function probeTimings(page: Page, timeout = 240_000): Promise<{ name: string; ms: number | null; text: string }[]> {
  await visible(page, 'backend-timings', timeout);
  return page
    .getByTestId('backend-timings')
    .locator('[data-backend]')
    .evaluateAll((els) =>
      els.map((e) => ({ name: e.getAttribute('data-backend') ?? '', ms: e.getAttribute('data-ms') ? Number(e.getAttribute('data-ms')) : null, text: (e.textContent ?? '').replace(/^[\s·]+/, '').trim() })),
    );
}

/** Loads mnist_tiny at 28 px without flips and waits for the built batch (TrainCells.loadMnistTiny). */
export async function loadMnistTiny(page: Page): Promise<{ train: number; valid: number; batchSize: number }> {
  await page.getByTestId('sample-select').selectOption('mnist_tiny');
  await page.getByTestId('sample-load').click();
  await visible(page, 'show-batch-item', 90_000);
  await page.getByTestId('tfm-size').fill('28');
  await page.getByTestId('tfm-flip').uncheck();
  await page.getByTestId('block-build').click();
  await visible(page, 'show-batch', 90_000);
  await page.getByTestId('block-progress').waitFor({ state: 'detached', timeout: 90_000 });
  await visible(page, 'count-train', 90_000);
  const text = async (id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();
  const batchSize = Number(
    await page
      .getByTestId('batch-size')
      .inputValue()
      .catch(() => 'NaN'),
  );
  return { train: Number(await text('count-train')), valid: Number(await text('count-valid')), batchSize };
}

export async function buildLearner(page: Page, arch: string): Promise<void> {
  await page.getByTestId('arch').selectOption(arch);
  await page.getByTestId('learner-build').click();
  await visible(page, 'learner-summary', 180_000);
}

/** Starts a fit and waits until its run entry shows (data may be sent to the worker first). */
export async function startFit(page: Page, epochs: number, lr: string): Promise<number> {
  const runs = await page.getByTestId('fit-run-output').count();
  await page.getByTestId('fit-epochs').fill(String(epochs));
  await page.getByTestId('lr-input').fill(lr);
  await page.getByTestId('fit-run').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="fit-run-output"]').length > n, runs, { timeout: 120_000, polling: 250 });
  return runs;
}

/**
 * Waits for the latest run to leave 'running'. Past `budgetMs` it presses Stop (so a very slow
 * backend still yields step times) and returns the status it then reaches, with `stopped` set.
 */
export async function waitRunEnd(page: Page, budgetMs: number): Promise<{ status: string; stopped: boolean }> {
  const ended = () =>
    page.waitForFunction(
      () => {
        const runs = document.querySelectorAll('[data-testid="fit-run-output"]');
        const s = runs[runs.length - 1]?.getAttribute('data-status');
        return s !== undefined && s !== null && s !== 'running';
      },
      undefined,
      { timeout: budgetMs, polling: 250 },
    );
  let stopped = false;
  try {
    await ended();
  } catch {
    stopped = true;
    await page.getByTestId('fit-stop').click();
    await page.waitForFunction(
      () => {
        const runs = document.querySelectorAll('[data-testid="fit-run-output"]');
        return runs[runs.length - 1]?.getAttribute('data-status') !== 'running';
      },
      undefined,
      { timeout: 120_000, polling: 250 },
    );
  }
  return { status: (await page.getByTestId('fit-run-output').last().getAttribute('data-status')) ?? '', stopped };
}

/** Every epoch row, by column; 'time' (mm:ss or h:mm:ss) converted to seconds. */
export async function epochRows(page: Page): Promise<Record<string, number>[]> {
  const raw = await page
    .getByTestId('epoch-row')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td[data-col]')).map((td) => [td.getAttribute('data-col') ?? '', (td.textContent ?? '').trim()] as [string, string])));
  return raw.map((cells) => Object.fromEntries(cells.map(([k, v]) => [k, k === 'time' ? seconds(v) : Number(v)])));
}

function seconds(hms: string): number {
  return hms.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

/** The `data-wait` line's current values (mean data wait and step time of the last reported steps). */
export async function dataWait(page: Page): Promise<{ waitMs: number; stepMs: number } | null> {
  const el = page.getByTestId('data-wait');
  if ((await el.count()) === 0) return null;
  return { waitMs: Number(await el.getAttribute('data-wait-ms')), stepMs: Number(await el.getAttribute('data-step-ms')) };
}

export async function pageRecord(page: Page): Promise<PageRecord> {
  return page.evaluate('window.__bench') as Promise<PageRecord>;
}

export async function now(page: Page): Promise<number> {
  return page.evaluate('performance.now()') as Promise<number>;
}

/** The page's JS heap (Chromium's non-standard performance.memory), after a forced GC when CDP allows. */
export async function pageHeap(page: Page): Promise<{ usedJSHeapSize: number; totalJSHeapSize: number } | null> {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.detach();
  } catch {
    // Without CDP the reading is taken as is.
  }
  return page.evaluate('(() => { const m = performance.memory; return m ? { usedJSHeapSize: m.usedJSHeapSize, totalJSHeapSize: m.totalJSHeapSize } : null; })()') as Promise<{
    usedJSHeapSize: number;
    totalJSHeapSize: number;
  } | null>;
}

/** tf.memory() of the training worker, read from tfjs's global engine (`self._tfengine`) in each worker. */
export async function workerTfMemory(page: Page): Promise<{ backend: string; numTensors: number; numBytes: number; numDataBuffers: number; wasmHeapBytes?: number } | null> {
  for (const w of page.workers()) {
    const m = (await w
      .evaluate(
        `(() => {
          const e = self._tfengine;
          if (!e || !e.backendName) return null;
          const m = e.memory();
          const wasm = e.backendName === 'wasm' ? e.backend && e.backend.wasm : null;
          const heap = wasm && (wasm.HEAPU8 || (wasm.wasmMemory && { byteLength: wasm.wasmMemory.buffer.byteLength }));
          return { backend: e.backendName, numTensors: m.numTensors, numBytes: m.numBytes, numDataBuffers: m.numDataBuffers, wasmHeapBytes: heap ? heap.byteLength : undefined };
        })()`,
      )
      .catch(() => null)) as { backend: string; numTensors: number; numBytes: number; numDataBuffers: number; wasmHeapBytes?: number } | null;
    if (m) return m;
  }
  return null;
}
