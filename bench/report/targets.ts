import type { MatrixResult } from '../items/backendMatrix';
import type { LoopResult } from '../items/loop';
import type { MemoryResult } from '../items/memory';
import type { NativeResult } from '../items/native';
import type { PipelineResult } from '../items/pipeline';
import { BROWSER_ONLY, type TargetCheck } from './results';
import { num, times } from './table';

/** The issue's targets checked against one run's figures, in item order. */
export function checkTargets(r: { loop: LoopResult; matrix: MatrixResult; pipeline: PipelineResult; memory: MemoryResult; native: NativeResult }): TargetCheck[] {
  const loop = r.loop.backends;
  const pipe = r.pipeline.backends;
  const mem = r.memory.backends;
  return [
    {
      item: 1,
      target: `studio loop / bare tfjs loop >= ${r.loop.target} (same model, batch, backend)`,
      met: loop.every((b) => b.ratio >= r.loop.target),
      figure: loop.map((b) => `${b.backend} ${times(b.ratio)} (${times(b.ratioCpu)} on CPU time)`).join(', '),
    },
    { item: 3, target: 'faster than ml5.js to 95% validation accuracy', met: null, unjudged: 'in the browser benchmark', figure: BROWSER_ONLY['3'] },
    {
      item: 4,
      target: `pipeline (decode + resize + augment) / training consumption at 128 px >= ${r.pipeline.target}`,
      met: pipe.every((b) => b.wall.ratioCold >= r.pipeline.target),
      figure: pipe
        .map(
          (b) =>
            `${b.backend} ${times(b.wall.ratioCold)} (${num(b.wall.coldPerSecond)} img/s vs ${num(b.wall.fastest.samplesPerSecond)} samples/s of ${b.wall.fastest.model}; ${times(b.cpu.ratioCold)} on CPU time; ${times(b.wall.ratioPerEpoch)} with decoded images cached)`,
        )
        .join('; '),
    },
    { item: 5, target: 'no main-thread long task over 50 ms during a fit', met: null, unjudged: 'in the browser benchmark', figure: BROWSER_ONLY['5'] },
    {
      item: 6,
      target: 'tensor count and bytes flat across 5 epochs',
      met: mem.every((b) => b.growth.numTensors === 0 && b.growth.numBytes === 0),
      figure: mem
        .map((b) => {
          const last = b.points[b.points.length - 1];
          return `${b.backend}: ${b.growth.numTensors === 0 && b.growth.numBytes === 0 ? `${last.numTensors} tensors / ${num(last.numBytes, 0)} bytes after every epoch` : `grew by ${b.growth.numTensors} tensors / ${num(b.growth.numBytes, 0)} bytes from epoch 1 to ${b.points.length - 1}`}`;
        })
        .join('; '),
    },
    'skipped' in r.native
      ? { item: 7, target: 'native PyTorch reference (step time ratio)', met: null, figure: r.native.skipped }
      : {
          item: 7,
          target: 'native PyTorch reference (step time ratio)',
          met: null,
          unjudged: 'measured (a reference, no threshold)',
          figure: `PyTorch ${num(r.native.msPerStep, 2)} ms/step; studio is ${Object.entries(r.native.ratios)
            .map(([b, x]) => `${x}x slower on ${b}`)
            .join(', ')}`,
        },
    bodyVsPyTorch(r.native),
  ];
}

/** Item 7 (issue 16): the MobileNetV2 body's training step on wasm within 5x of PyTorch's on the CPU, every cell timed on both. */
function bodyVsPyTorch(n: NativeResult): TargetCheck {
  const target = 'MobileNetV2 body training step on wasm / PyTorch CPU <= 5';
  const body = 'skipped' in n ? undefined : n.body;
  if (!body || 'skipped' in body) return { item: 7, target, met: null, figure: body?.skipped ?? ('skipped' in n ? n.skipped : 'not measured') };
  const cells = body.rows.filter((r) => r.mode !== 'inference' && r.ratios.wasm !== undefined);
  if (cells.length === 0) return { item: 7, target, met: null, figure: 'item 2b timed no wasm training cell' };
  return { item: 7, target, met: cells.every((r) => r.ratios.wasm <= 5), figure: cells.map((r) => `${r.size} px ${r.mode} ${r.ratios.wasm}x`).join(', ') };
}
