import type { MatrixResult, MatrixRow } from '../items/backendMatrix';
import type { MemoryResult } from '../items/memory';
import type { NativeResult } from '../items/native';
import type { PipelineResult } from '../items/pipeline';
import { offThreadSection } from './offThreadSection';
import { BROWSER_ONLY } from './results';
import { mdTable, num, times } from './table';

/** Section 2: one row per model, size and mode; one column group per backend. */
export function matrixSection(r: MatrixResult): string {
  const backends = [...new Set(r.rows.map((x) => x.backend))];
  const keys = [...new Map(r.rows.map((x) => [`${x.model}|${x.size}|${x.mode}`, x])).values()];
  const find = (k: MatrixRow, b: string) => r.rows.find((x) => x.backend === b && x.model === k.model && x.size === k.size && x.mode === k.mode);
  const stepCell = (x: MatrixRow | undefined) => (x ? `${num(x.result.msPerStep, 0)} (${x.result.reps}${x.result.warm ? '' : ', first step'})` : '–');
  const both = backends.includes('wasm') && backends.includes('cpu');
  const speedup = (k: MatrixRow) => {
    const [a, b] = [find(k, 'wasm'), find(k, 'cpu')];
    return a && b ? times(a.result.samplesPerCpuSecond / b.result.samplesPerCpuSecond, 1) : '–';
  };
  const table = mdTable(
    ['model', 'px', 'mode', ...backends.flatMap((b) => [`${b} samples/s`, `${b} samples/CPU-s`, `${b} ms/step (reps)`]), ...(both ? ['wasm / cpu (CPU time)'] : [])],
    keys.map((k) => [k.model, k.size, k.mode, ...backends.flatMap((b) => [num(find(k, b)?.result.samplesPerSecond), num(find(k, b)?.result.samplesPerCpuSecond), stepCell(find(k, b))]), ...(both ? [speedup(k)] : [])]),
  );
  return ['## 2. Backends', '', `${r.setup}. *samples/CPU-s* divides by this process's CPU time instead of wall time: what an idle machine would give.`, '', table].join('\n');
}

/** Section 4: decode, resize and augmentation rates against training consumption. */
export function pipelineSection(r: PipelineResult): string {
  const table = mdTable(
    [
      'backend',
      'time',
      'decode img/s',
      'resize img/s',
      'augment img/s',
      'per epoch img/s (resize + augment)',
      'cold img/s (decode + resize + augment)',
      'fastest training at 128 px, samples/s',
      'ratio cold',
      'ratio per epoch',
    ],
    r.backends.flatMap((b) =>
      (['wall', 'cpu'] as const).map((basis) => {
        const x = b[basis];
        return [
          b.backend,
          basis === 'wall' ? 'wall' : 'CPU',
          num(x.decodePerSecond),
          num(x.resizePerSecond),
          num(x.augmentPerSecond),
          num(x.perEpochPerSecond),
          num(x.coldPerSecond),
          `${num(x.fastest.samplesPerSecond)} (${x.fastest.model})`,
          times(x.ratioCold),
          times(x.ratioPerEpoch),
        ];
      }),
    ),
  );
  return [
    '## 4. Pipeline (Node side)',
    '',
    `${r.setup}; ${r.decodedImages} images decoded. Decode is \`decodeInNode\` (jpeg-js, pure JavaScript) through \`buildDataBlock\`; resize is \`makeExample\` (random crop, bilinear); augment is the loader's \`collate\` (stack, flip/rotate/zoom/warp/lighting on the backend, normalize, read back). The decode worker pool and \`createImageBitmap\` are browser-only. ${r.megabytesOnDisk} MB of JPEGs on disk.`,
    '',
    table,
    '',
    `Peak memory: RSS ${num(r.rssBeforeMb)} MB before the folder was written, ${num(r.peakRssMb)} MB at peak (+${num(r.peakRssMb - r.rssBeforeMb)} MB; decoded RGBA is kept for the whole block, as the studio does while it fits the memory budget; over it, the studio streams); array buffers ${num(r.peakArrayBuffersMb)} MB at peak.`,
    ...(r.offThread ? ['', offThreadSection(r.offThread)] : []),
  ].join('\n');
}

/** Section 6: tf.memory() after every epoch. */
export function memorySection(r: MemoryResult): string {
  const bs = r.backends;
  const points = bs[0]?.points ?? [];
  const table = mdTable(
    ['after', ...bs.flatMap((b) => [`${b.backend} tensors`, `${b.backend} bytes`, `${b.backend} valid accuracy`])],
    points.map((p, i) => [p.at, ...bs.flatMap((b) => [num(b.points[i].numTensors, 0), num(b.points[i].numBytes, 0), b.points[i].accuracy === undefined ? '–' : num(b.points[i].accuracy, 3)])]),
  );
  return [
    '## 6. Memory',
    '',
    `${r.setup}. Epoch 1 adds AdamW's moments and the loop's weight snapshot; after it the count must stay put.`,
    '',
    table,
    '',
    bs
      .map(
        (b) => `${b.backend}: ${b.growth.numTensors} tensors / ${num(b.growth.numBytes, 0)} bytes growth from epoch 1 to 5, ${b.leftAfterDispose} tensors left after disposing learner and model, fit ${num(b.seconds)} s.`,
      )
      .join(' '),
  ].join('\n');
}

/** Section 7: PyTorch, or why it was skipped. */
export function nativeSection(r: NativeResult): string {
  const body =
    'skipped' in r
      ? r.skipped
      : `PyTorch ${r.torch} on ${r.threads} threads (glibc keeping freed memory, as jemalloc or tcmalloc would: see KEEP_FREED_MEMORY in bench/items/native.ts): ${num(r.msPerStep, 2)} ms per step of the same small CNN (batch 64, 28 px, AdamW). Studio / PyTorch step time: ${Object.entries(
          r.ratios,
        )
          .map(([b, x]) => `${b} ${x}x`)
          .join(', ')}.`;
  return ['## 7. Native reference', '', body, ...('skipped' in r || !r.body ? [] : ['', nativeBodyTable(r.body)])].join('\n');
}

/** Item 2b's model in PyTorch: parameter counts, then ms per step and the studio's ratio per cell. */
function nativeBodyTable(b: NonNullable<Extract<NativeResult, { torch: string }>['body']>): string {
  if ('skipped' in b) return `Item 2b's model (MobileNetV2 body): ${b.skipped}`;
  const studio = b.studioParams ? ` (the studio's: ${num(b.studioParams.frozen, 0)} of ${num(b.studioParams.total, 0)})` : '';
  const backends = [...new Set(b.rows.flatMap((r) => Object.keys(r.ratios)))];
  const rows = b.rows.map((r) => [r.size, r.mode, r.batch, `${num(r.msPerStep)} (${r.reps})`, ...backends.flatMap((k) => [num(r.studioMs[k]), r.ratios[k] === undefined ? '–' : `${r.ratios[k]}x`])]);
  return [
    `Item 2b's model in PyTorch (bench/items/native_body.py: torchvision's MobileNetV2, random weights, cut at features[12].conv[0] = Keras's block_11_expand_relu, with the studio's input adapter and head; the body's batch norm in eval mode as in the studio; frozen = the body's convs without gradients; AdamW, cross-entropy; NCHW): ${num(b.params.frozen, 0)} of ${num(b.params.total, 0)} parameters train when frozen${studio}.`,
    '',
    mdTable(['px', 'mode', 'batch', 'PyTorch ms/step (reps)', ...backends.flatMap((k) => [`${k} ms/step (item 2b)`, `${k} / PyTorch`])], rows),
  ].join('\n');
}

/** Sections 3 and 5: one line each. */
export function browserOnlySection(item: '3' | '5'): string {
  const title = item === '3' ? '## 3. Peer (ml5.js)' : '## 5. Responsiveness';
  return [title, '', BROWSER_ONLY[item]].join('\n');
}
