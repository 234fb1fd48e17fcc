/** Renders the browser benchmark's result as bench/RESULTS-browser.md. */
import type { BenchResult, FitResult, LongTaskSummary } from './run';

const v = (x: number | undefined | null, d = 1): string => (x === undefined || x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const mb = (bytes: number | undefined | null): string => (bytes === undefined || bytes === null ? '—' : (bytes / 2 ** 20).toFixed(1));
const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(0)}%`);

function longTaskCell(lt: LongTaskSummary | undefined): string {
  if (!lt) return '—';
  if (!lt.supported) return 'not supported';
  return `${lt.count} (max ${v(lt.maxMs, 0)} ms, ${lt.over50} > 50 ms)`;
}

function fitRow(f: FitResult): string {
  if (!f.ok && f.stepMs === undefined) return `| ${f.backend} | failed: ${f.error ?? ''} | | | | | | | |`;
  const status = f.ok ? 'done' : `${f.status}${f.stopped ? ' (stopped at budget)' : ''}`;
  return `| ${f.backend} | ${status} | ${f.epochS?.join(', ') || '—'} | ${v(f.fitWallS)} | ${v(f.stepMs, 0)} (${v(f.stepMsMean, 0)}) | ${v(f.samplesPerSecStep)} | ${v(f.samplesPerSecEpoch)} | ${pct(f.dataWaitShare)} (${v(f.dataWaitMs, 1)} ms) | ${v(f.accuracy, 3)} |`;
}

export function renderMarkdown(r: BenchResult): string {
  const out: string[] = [];
  out.push('# Browser benchmark (`npm run bench:browser`)');
  out.push('');
  out.push(
    `Measured ${r.when} in headless Chromium ${r.chromium} (Debian's /usr/bin/chromium, WebGPU and WebGL through SwiftShader, i.e. software, no GPU) against the built studio served by \`vite preview\` on ${r.url}${r.crossOriginIsolatedServe ? ' with COOP/COEP headers' : ' without COOP/COEP headers (not cross-origin isolated: wasm runs single-threaded)'}. ` +
      `${r.cpus} CPU cores, shared with other jobs (load average ${r.loadavg.start.join(' / ')} at the start, ${r.loadavg.end.join(' / ')} at the end): **timings are noisy**, treat differences under ~20% as noise. Whole run: ${v(r.totalS, 0)} s.`,
  );
  out.push('');

  out.push('## Start-up backend probe (`/`, no override)');
  out.push('');
  if (!r.probe) out.push('Skipped.');
  else if (!r.probe.ok) out.push(`Failed: ${r.probe.error}`);
  else {
    out.push(`Chosen: **${r.probe.chosen}** — ${r.probe.reason ?? ''} (page up to timings shown: ${v(r.probe.seconds, 0)} s; main-thread long tasks meanwhile: ${longTaskCell(r.probe.longTasks)}).`);
    out.push('');
    out.push('| backend | ms per probe step (small CNN, 16 pictures at 32 px) | as shown |');
    out.push('|---|---|---|');
    for (const t of r.probe.timings ?? []) out.push(`| ${t.name} | ${v(t.ms)} | ${t.text} |`);
  }
  out.push('');

  const fit = r.fits.find((f) => f.train !== undefined);
  out.push('## Backends: mnist_tiny, small CNN, fit_one_cycle(1, 1e-2)');
  out.push('');
  out.push(
    `${fit ? `${fit.train} training / ${fit.valid} validation images at 28 px, batch ${fit.batchSize}. ` : ''}` +
      "Each backend on a fresh page (`/?backend=NAME`). *epoch s* is the epoch table's time column (whole seconds, includes validation); *fit wall s* runs from pressing Run to the run's end (includes sending the data to the worker and validation). " +
      "*step ms* is the median of every value the `data-wait` line showed during the fit (each the mean of the steps in one progress message: forward, backward and update), in brackets their mean, which includes the first steps' warm-up; *samples/s (step)* = batch / median step ms, *samples/s (epoch)* = training images / epoch s. " +
      "*data wait* is the share of wait + step spent waiting for the batch (medians; the line's own percentage), in brackets the median wait.",
  );
  out.push('');
  out.push('| backend | status | epoch s | fit wall s | step ms (mean) | samples/s (step) | samples/s (epoch) | data wait | accuracy |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const f of r.fits) out.push(fitRow(f));
  out.push('');
  const slow = r.fits.filter((f) => f.stopped);
  if (slow.length) {
    out.push(`${slow.map((f) => f.backend).join(', ')}: the epoch did not finish within its budget, so Stop was pressed; the step time is from the steps that ran.`);
    out.push('');
  }

  out.push('## Responsiveness: main-thread long tasks during each fit');
  out.push('');
  out.push('PerformanceObserver `{type: "longtask", buffered: true}` installed before the app loads; the window runs from pressing Run to the run\'s end. Target: none over 50 ms.');
  out.push('');
  out.push(
    "*while running* counts the long tasks over 50 ms that ended before the run's status left 'running' (the page's own record of the change); *at the end* the ones holding or following that change: React's update for the finished run and the hidden Plotly loss chart catching up once with the whole fit (the live chart is a canvas while the fit runs).",
  );
  out.push('');
  out.push('| fit | long tasks (> 50 ms by definition) | total ms | while running, > 50 ms | at the end, > 50 ms | target met (while running) |');
  out.push('|---|---|---|---|---|---|');
  const ltRows: [string, LongTaskSummary | undefined][] = r.fits.map((f) => [`${f.backend}, 1 epoch`, f.longTasks]);
  if (r.memory?.longTasks) ltRows.push([`wasm, ${r.memory.epochs} epochs`, r.memory.longTasks]);
  if (r.memory?.profile) ltRows.push([`wasm, 1 epoch, profiled`, r.memory.profile.longTasks]);
  for (const [name, lt] of ltRows)
    out.push(
      `| ${name} | ${longTaskCell(lt)} | ${v(lt?.totalMs, 0)} | ${lt?.endedAtMs === undefined ? '—' : lt.duringOver50} | ${lt?.endedAtMs === undefined ? '—' : lt.afterEndOver50} | ${lt && lt.endedAtMs !== undefined ? (lt.duringOver50 === 0 ? 'yes' : 'no') : '—'} |`,
    );
  out.push('');
  const spaced = r.fits.find((f) => f.backend === 'wasm')?.longTasks ?? r.fits.find((f) => f.longTasks)?.longTasks;
  if (spaced && spaced.tasks.length) {
    out.push(`When they happen (${r.fits.find((f) => f.longTasks === spaced)?.backend} fit, ms after Run → duration): ${spaced.tasks.map((t) => `${t.atMs} → ${t.ms}`).join(', ')}.`);
    out.push('');
  }
  const p = r.memory?.profile;
  if (p) {
    out.push(`### Where the main thread's time goes (wasm, 1 epoch, CDP sampling profiler)`);
    out.push('');
    out.push(
      `Profiled ${v(p.wallMs / 1000)} s; main thread busy ${v(p.busyMs, 0)} ms (${pct(p.busyMs / p.wallMs)}). Self time by ${p.sourceMapped ? "origin (via the build's source maps)" : 'bundle file (no source maps in this build)'}:`,
    );
    out.push('');
    out.push('| origin | self ms |');
    out.push('|---|---|');
    for (const o of p.byOrigin) out.push(`| ${o.origin} | ${v(o.ms, 0)} |`);
    out.push('');
    out.push(
      '*(program)* is native work the profiler cannot pin on a script: style, layout, paint and compositing (rasterised in software by SwiftShader here, on the same 2 busy cores); names without a package (getBoundingClientRect, setProperty, …) are DOM calls, mostly made by the chart.',
    );
    out.push('');
    out.push('Hottest functions by self time:');
    out.push('');
    out.push('| function | at | self ms |');
    out.push('|---|---|---|');
    for (const f of p.topFunctions) out.push(`| ${f.name.replace(/\|/g, '\\|')} | ${f.at} | ${v(f.ms, 0)} |`);
    out.push('');
  }

  out.push('## Memory: wasm, around a 3-epoch fit');
  out.push('');
  const m = r.memory;
  if (!m) out.push('Skipped (no finished wasm fit in this run).');
  else if (!m.ok && m.heapBefore === undefined) out.push(`Failed: ${m.error}`);
  else {
    out.push(
      `On the wasm page, after its 1-epoch fit above (the warm-up), readings before and after fit_one_cycle(${m.epochs}, 1e-2) (${m.status}, ${v(m.fitWallS)} s, accuracy ${v(m.accuracy, 3)}). ` +
        'Page heap: `performance.memory.usedJSHeapSize` of the main thread (precise, after a forced GC via CDP); it does not include the training worker. ' +
        "Worker tensors: `tf.memory()` of the training worker, read through tfjs's global engine (`self._tfengine`) with Playwright's worker handle.",
    );
    out.push('');
    out.push('| reading | before | after | change |');
    out.push('|---|---|---|---|');
    const d = (a?: number | null, b?: number | null, f = mb) => (a === undefined || a === null || b === undefined || b === null ? '—' : `${b - a >= 0 ? '+' : ''}${f(b - a)}`);
    out.push(`| page used JS heap (MiB) | ${mb(m.heapBefore?.usedJSHeapSize)} | ${mb(m.heapAfter?.usedJSHeapSize)} | ${d(m.heapBefore?.usedJSHeapSize, m.heapAfter?.usedJSHeapSize)} |`);
    out.push(`| page total JS heap (MiB) | ${mb(m.heapBefore?.totalJSHeapSize)} | ${mb(m.heapAfter?.totalJSHeapSize)} | ${d(m.heapBefore?.totalJSHeapSize, m.heapAfter?.totalJSHeapSize)} |`);
    const n = (x?: number) => (x === undefined ? '—' : String(x));
    out.push(`| worker tensors (count) | ${n(m.tfBefore?.numTensors)} | ${n(m.tfAfter?.numTensors)} | ${d(m.tfBefore?.numTensors, m.tfAfter?.numTensors, String)} |`);
    out.push(`| worker tensor bytes (MiB) | ${mb(m.tfBefore?.numBytes)} | ${mb(m.tfAfter?.numBytes)} | ${d(m.tfBefore?.numBytes, m.tfAfter?.numBytes)} |`);
    out.push(`| worker wasm heap (MiB) | ${mb(m.tfBefore?.wasmHeapBytes)} | ${mb(m.tfAfter?.wasmHeapBytes)} | ${d(m.tfBefore?.wasmHeapBytes, m.tfAfter?.wasmHeapBytes)} |`);
  }
  out.push('');
  out.push(...pipelineSection(r));
  out.push(...peerSection(r));
  for (const note of r.notes) out.push(`- ${note}`);
  if (r.notes.length) out.push('');
  out.push('Raw numbers (per-fit step series, each long task): the JSON `npm run -s bench:browser` prints on stdout.');
  out.push('');
  return out.join('\n');
}

/** Item 4 in the browser: decoding a generated JPEG folder with one decode worker and with the pool. */
function pipelineSection(r: BenchResult): string[] {
  const p = r.pipeline;
  const out = ['## Pipeline: decoding a folder in the decode workers', ''];
  if (!p) return [...out, 'Skipped (`--pipeline 0`).', ''];
  out.push(
    `${p.count} generated ${p.sourcePx} px JPEGs (quality 85, ${p.megabytesOnDisk} MB) chosen through the folder input on a fresh \`?backend=wasm\` page; the block's default 64 px keeps pictures at 128 px, so every one is decoded and scaled 256 → 128 by \`createImageBitmap\` in a decode worker, then read back. ` +
      "The figures are the page's own summary line (from the files to the decoded pixels, items/labels/split included). *heap* is the page's JS heap after a forced GC; the pixels are ArrayBuffers outside it.",
  );
  out.push('');
  if (!p.ok) out.push(`Failed: ${p.error}`, '');
  out.push('| decode workers | images | seconds | images/s | kept size | page heap MiB |');
  out.push('|---|---|---|---|---|---|');
  for (const run of p.runs) out.push(`| ${run.decoders} | ${run.images} | ${v(run.seconds)} | ${run.imagesPerSecond} | ${run.kept} | ${run.heapMb ?? '—'} |`);
  const [one, pool] = p.runs;
  if (one && pool) out.push('', `Pool / one worker: **${v(pool.imagesPerSecond / one.imagesPerSecond, 2)}x** on ${r.cpus} cores.`);
  out.push('');
  return out;
}

/** Item 3: the ml5.js peer against the studio, both with their defaults. */
function peerSection(r: BenchResult): string[] {
  const p = r.peer;
  const out = ['## Peer: ml5.js vs the studio on mnist_tiny, both with their defaults', ''];
  if (!p) return [...out, 'Skipped (`--no-peer`).', ''];
  out.push(
    "Each on a fresh page of the same headless Chromium. ml5.js's clock starts at `ml5.neuralNetwork(...)` with the pictures decoded and stops at each epoch end; its validation accuracy there is measured with `classify` on each of the 140 validation pictures, and that time is left off its clock. " +
      "The studio's clock starts when the LR finder is pressed (data block and learner built) and stops as each epoch row appears (its validation pass included). Target: the studio reaches 95% first.",
  );
  out.push('');
  out.push('| side | what ran | validation accuracy by time (s → accuracy) | seconds to 95% |');
  out.push('|---|---|---|---|');
  for (const [name, side] of [
    ['ml5.js', p.ml5],
    ['studio', p.studio],
  ] as const) {
    const curve = side.curve.map((c) => `${v(c.seconds)} → ${v(c.accuracy, 3)}`).join(', ');
    out.push(`| ${name} | ${side.ok ? side.setup : `failed: ${side.error}`} | ${curve || '—'} | ${side.secondsTo95 === null ? 'not reached' : v(side.secondsTo95)} |`);
  }
  out.push('');
  const at = (x: number | null) => (x === null ? 'no epoch finished yet' : v(x, 3));
  if (p.equalSeconds !== null) out.push(`After ${v(p.equalSeconds)} s (the shorter run): ml5.js ${at(p.ml5AtEqual)}, the studio ${at(p.studioAtEqual)} (the last epoch each had finished by then).`, '');
  if (p.ml5.secondsTo95 !== null && p.studio.secondsTo95 !== null)
    out.push(`To 95%: the studio is **${v(p.ml5.secondsTo95 / p.studio.secondsTo95, 1)}x** faster (target: faster, ${p.studio.secondsTo95 < p.ml5.secondsTo95 ? 'met' : 'not met'}).`, '');
  return out;
}
