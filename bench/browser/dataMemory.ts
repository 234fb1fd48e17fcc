/**
 * Data-block memory (issue 13): where the decoded pictures live once a folder is built, in the
 * page and in the training worker. For mnist_tiny and for a generated folder of 5,000 JPEGs it
 * chooses the folder in the built studio, waits for show_batch, reads memory, builds a small CNN
 * learner (before issue 13 that sent the page's block to the worker) and reads memory again.
 *
 * Each reading, after a forced GC in every target: the JS heap (CDP `Runtime.getHeapUsage`
 * usedSize) and the ArrayBuffer backing stores outside it (its `backingStorageSize`, where
 * decoded pixels live) of the page, of the training worker and of the decode workers; the
 * page's `performance.memory.usedJSHeapSize`; the training worker's `tf.memory()`.
 *
 * Prints JSON on stdout (progress on stderr).
 * Run: `npm run -s bench:data-memory [-- --dist DIR --count 5000 --px 64 --label after]`
 *   --dist   a built studio to serve (default: build this checkout into /tmp/bench-data-dist)
 *   --count  pictures in the generated folder (default 5000), --px their side (default 64)
 * Serves on 127.0.0.1:4181 (BENCH_PORT).
 */
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../../e2e/chromium';
import { writeJpegFolder } from '../lib/jpegFolder';
import * as studio from './studio';

const log = (...a: unknown[]) => console.error('[data-memory]', ...a);
const MB = 2 ** 20;

/** Heap and ArrayBuffer backing stores of one target, in MiB. */
interface TargetMemory {
  readonly heapMb: number;
  readonly buffersMb: number | null;
}

/** One reading of every target. */
interface Reading {
  readonly page: TargetMemory & { readonly performanceMemoryMb: number | null };
  readonly trainWorker: TargetMemory | null;
  readonly decodeWorkers: TargetMemory & { readonly count: number };
  readonly tf: { readonly numTensors: number; readonly numBytesMb: number; readonly backend: string } | null;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Sends `method` to a worker target through the browser session (the non-flat Target protocol). */
async function onTarget(cdp: CDPSession, sessionId: string, method: string, id: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const listener = (e: { sessionId: string; message: string }) => {
      const m = JSON.parse(e.message) as { id: number; result?: Record<string, number>; error?: { message: string } };
      if (e.sessionId !== sessionId || m.id !== id) return;
      cdp.off('Target.receivedMessageFromTarget', listener);
      if (m.error) reject(new Error(m.error.message));
      else resolve(m.result ?? {});
    };
    cdp.on('Target.receivedMessageFromTarget', listener);
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
  });
}

/** GC, then heap usage, of every worker target: the training worker and the decode workers. */
async function workers(browser: Browser): Promise<{ url: string; heapMb: number; buffersMb: number | null }[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
    const out = [];
    let id = 1;
    for (const t of targetInfos.filter((t) => t.type === 'worker')) {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })) as { sessionId: string };
      await onTarget(cdp, sessionId, 'HeapProfiler.collectGarbage', id++);
      const u = await onTarget(cdp, sessionId, 'Runtime.getHeapUsage', id++);
      out.push({ url: t.url, heapMb: u.usedSize / MB, buffersMb: u.backingStorageSize !== undefined ? u.backingStorageSize / MB : null });
      await cdp.send('Target.detachFromTarget', { sessionId });
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

async function read(browser: Browser, page: Page): Promise<Reading> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as Record<string, number>;
  await cdp.detach();
  const perf = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')) as number | null;
  const all = await workers(browser);
  const train = all.find((w) => /train\.worker/.test(w.url)) ?? null;
  const decoders = all.filter((w) => /decode\.worker/.test(w.url));
  const tf = await studio.workerTfMemory(page);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  return {
    page: { heapMb: round(u.usedSize / MB)!, buffersMb: round(u.backingStorageSize !== undefined ? u.backingStorageSize / MB : null), performanceMemoryMb: round(perf === null ? null : perf / MB) },
    trainWorker: train && { heapMb: round(train.heapMb)!, buffersMb: round(train.buffersMb) },
    decodeWorkers: { count: decoders.length, heapMb: round(sum(decoders.map((d) => d.heapMb)))!, buffersMb: round(sum(decoders.map((d) => d.buffersMb))) },
    tf: tf && { numTensors: tf.numTensors, numBytesMb: round(tf.numBytes / MB)!, backend: tf.backend },
  };
}

/** Chooses `folder`, waits for the built block and its batch, reads; builds a learner, reads again. */
async function measure(browser: Browser, base: string, folder: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await studio.open(page, base, 'wasm');
    const started = Date.now();
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page.getByTestId('show-batch-item').first().waitFor({ state: 'visible', timeout: 900_000 });
    await page.getByTestId('block-progress').waitFor({ state: 'detached', timeout: 900_000 });
    const buildSeconds = (Date.now() - started) / 1000;
    const walk = (await page.getByTestId('block-walk').textContent()) ?? '';
    const decodeLine = /(Decode|Headers): .*/.exec(walk)?.[0] ?? '';
    const kept = /decoded: (\d+x\d+)/.exec(walk)?.[1] ?? '?';
    const pictures = Number(await page.getByTestId('count-train').textContent()) + Number(await page.getByTestId('count-valid').textContent());
    log(`built ${pictures} pictures in ${buildSeconds} s: ${decodeLine}`);
    const afterBuild = await read(browser, page);
    await page.getByTestId('arch').selectOption('smallCnn');
    await page.getByTestId('learner-build').click();
    await page.getByTestId('learner-summary').waitFor({ state: 'visible', timeout: 600_000 });
    const afterLearner = await read(browser, page);
    return { pictures, kept, buildSeconds, decodeLine, afterBuild, afterLearner };
  } finally {
    await context.close();
  }
}

async function main() {
  const count = Number(arg('count') ?? 5000);
  const px = Number(arg('px') ?? 64);
  let dist = arg('dist');
  if (!dist) {
    dist = '/tmp/bench-data-dist';
    log('building the studio into', dist);
    await build({ logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  }
  const port = Number(process.env.BENCH_PORT ?? 4181);
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  const server = await preview({ logLevel: 'warn', build: { outDir: dist }, preview: { host: '127.0.0.1', port, strictPort: true, headers } });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  const folder = writeJpegFolder(count, px);
  try {
    const base = `http://127.0.0.1:${port}`;
    const mnist = await measure(browser, base, join(process.cwd(), 'public', 'samples', 'mnist_tiny'));
    const generated = await measure(browser, base, folder.root);
    console.log(JSON.stringify({ label: arg('label') ?? null, dist, mnist_tiny: mnist, [`jpegs_${count}_at_${px}px`]: generated }, null, 2));
  } finally {
    folder.remove();
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
