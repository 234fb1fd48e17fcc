/**
 * `npm run bench`: the Node half of the issue's benchmark, in one process so ratios are
 * measured side by side: 1 studio loop vs bare tfjs, 2 backends x models x sizes, 2b the
 * pretrained ImageNet body (MobileNetV2) frozen / unfrozen / inference at 128 and 224 px, 4 pipeline
 * vs training consumption (off the training thread at 128 and 224 px), 6 memory over 5 epochs, 7 PyTorch reference where installed (3 and
 * 5 need a browser), 8 the text AWD-LSTM's training steps (classifier, language model) with a profile on wasm. Prints the results as JSON on stdout (progress on stderr) and writes
 * bench/RESULTS.md. About 11 minutes on 2 cores (15 when other jobs load them; item 4's 224 px part adds ~2 of them), on the cpu and wasm backends
 * (BENCH_BACKENDS=wasm narrows it).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { backboneBench } from './items/backbone';
import { matrixBench } from './items/backendMatrix';
import { loopBench } from './items/loop';
import { memoryBench } from './items/memory';
import { nativeBench } from './items/native';
import { pipelineBench } from './items/pipeline';
import { textLstmBench } from './items/textLstm';
import { wasmThreads } from './lib/backend';
import { progress } from './lib/log';
import { machineInfo } from './lib/machine';
import { printJson } from './lib/main';
import { renderResults } from './report/markdown';
import { BROWSER_ONLY, type BenchResults } from './report/results';
import { checkTargets } from './report/targets';

const OUT = join(process.cwd(), 'bench/RESULTS.md');

async function main(): Promise<void> {
  const t0 = performance.now();
  const machine = await machineInfo();
  progress(`${machine.cpu} x ${machine.cores}, Node ${machine.node}, tfjs ${machine.tfjs}, load ${machine.loadAverage.join(' / ')}`);
  const loop = await loopBench();
  const matrix = await matrixBench();
  const backbone = await backboneBench();
  const pipeline = await pipelineBench(matrix.rows);
  const memory = await memoryBench();
  const text = await textLstmBench();
  // The studio's ms per step of batch 64 at 28 px, for the PyTorch ratio.
  const studioMs = Object.fromEntries(loop.backends.map((b) => [b.backend, (64 * 1000) / b.rows[1].samplesPerSecond]));
  const native = nativeBench(studioMs, backbone);
  const results: BenchResults = {
    machine,
    wasmThreads: await wasmThreads(),
    loadAverageEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    seconds: (performance.now() - t0) / 1000,
    loop,
    matrix,
    backbone,
    pipeline,
    memory,
    native,
    text,
    notMeasured: BROWSER_ONLY,
    targets: checkTargets({ loop, matrix, pipeline, memory, native }),
  };
  writeFileSync(OUT, renderResults(results));
  printJson(results);
  progress(`wrote ${OUT} in ${Math.round(results.seconds)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
