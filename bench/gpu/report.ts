/** bench/RESULTS-gpu.md from a `GpuBenchResults`. */
import type { CellResult, LoopTiming } from './cells';
import type { GpuBenchResults } from './main';
import type { TorchRow } from './torch';

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
/** Samples per second: two decimals under 10 (a software adapter's rates), none above. */
const rate = (x: number | undefined) => fmt(x, x !== undefined && x < 10 ? 2 : 0);

function torchRow(r: GpuBenchResults, c: CellResult, dtype: 'fp32' | 'bf16'): TorchRow | undefined {
  return r.torch.rows?.find((t) => t.model === c.model && t.size === c.size && t.batch === c.batch && t.dtype === dtype);
}

function loopCell(t: LoopTiming | undefined, error: string | undefined): string {
  return t ? `${fmt(t.msPerStep, 2)} (${rate(t.samplesPerSecond)}/s)` : error ? `failed: ${error.replace(/\|/g, '/')}` : '-';
}

function torchCell(t: TorchRow | undefined): string {
  if (!t) return '-';
  return t.error ? `failed: ${t.error.replace(/\|/g, '/')}` : `${fmt(t.msPerStep, 2)} (${rate(t.samplesPerSecond)}/s)`;
}

/** The markdown report. */
export function renderGpuResults(r: GpuBenchResults): string {
  const a = r.adapter;
  const verdict = a
    ? a.software
      ? `**NOT A GPU RESULT**: the adapter is a software renderer (${a.softwareReason}); these timings measure the CPU.`
      : 'A hardware adapter: these are GPU timings.'
    : `**No WebGPU adapter**: ${r.webgpuError ?? 'unknown error'}`;
  const lines = [
    '# GPU benchmark: the studio engine on WebGPU (Dawn in Node) vs PyTorch',
    '',
    `Written by \`npm run bench:gpu\`${r.quick ? ' `--quick`' : ''} (bench/gpu/main.ts) on ${r.machine.date}: ${r.machine.cpu} x ${r.machine.cores}, ${r.machine.os}, Node ${r.machine.node}, tfjs ${r.machine.tfjs}, ${Math.round(r.seconds)} s.`,
    '',
    '## Adapter',
    '',
    verdict,
    '',
  ];
  if (a) {
    lines.push(
      '| vendor | architecture | device | description | isFallbackAdapter | maxStorageBufferBindingSize |',
      '|---|---|---|---|---|---|',
      `| ${a.vendor || '-'} | ${a.architecture || '-'} | ${a.device || '-'} | ${a.description || '-'} | ${a.isFallbackAdapter} | ${a.maxStorageBufferBindingSize} |`,
      '',
      `tfjs backend: ${r.backend ?? '-'}; dawn flags: ${a.dawnFlags.length ? a.dawnFlags.join(',') : '(none)'}; \`webgpu\` from ${a.module}.`,
      '',
    );
  }
  lines.push(
    '## ms per training step (samples/s)',
    '',
    `Setup: ${r.setup}`,
    '',
    r.torch.skipped
      ? `PyTorch: not run (${r.torch.skipped}).`
      : `PyTorch ${r.torch.torch} on ${r.torch.device}${r.torch.deviceName ? ` (${r.torch.deviceName})` : ''}, torchvision ${r.torch.torchvision ?? 'absent'}. ${(r.torch.notes ?? []).join(' ')}`,
    '',
    '| model | px | batch | params tfjs / torch | tfjs bare | studio (Learner) | studio / bare | dispatches / step bare / studio | studio ms / dispatch | first step bare / studio (ms) | torch fp32 | torch bf16 | studio / torch fp32 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const c of r.cells) {
    const f32 = torchRow(r, c, 'fp32');
    const b16 = torchRow(r, c, 'bf16');
    const vsTorch = c.studio && f32?.msPerStep ? fmt(c.studio.msPerStep / f32.msPerStep, 2) : '-';
    // The whole step over its dispatches: an upper bound on the fixed cost of one dispatch.
    const msPerDispatch = c.studio?.dispatchesPerStep ? fmt(c.studio.msPerStep / c.studio.dispatchesPerStep, 3) : '-';
    lines.push(
      `| ${c.model} | ${c.size} | ${c.batch} | ${c.params ?? '-'} / ${f32?.params ?? '-'} | ${loopCell(c.bare, c.errors?.bare)} | ${loopCell(c.studio, c.errors?.studio)} | ${fmt(c.studioOverBare, 3)} | ${fmt(c.bare?.dispatchesPerStep, 0)} / ${fmt(c.studio?.dispatchesPerStep, 0)} | ${msPerDispatch} | ${fmt(c.bare?.firstStepMs, 0)} / ${fmt(c.studio?.firstStepMs, 0)} | ${torchCell(f32)} | ${torchCell(b16)} | ${vsTorch} |`,
    );
  }
  const torchOnly = (r.torch.rows ?? []).filter((t) => !r.cells.some((c) => c.model === t.model && c.size === t.size && c.batch === t.batch));
  if (torchOnly.length) {
    lines.push('', 'PyTorch rows without a WebGPU cell:', '', '| model | px | batch | dtype | ms/step |', '|---|---|---|---|---|');
    for (const t of torchOnly) lines.push(`| ${t.model} | ${t.size} | ${t.batch} | ${t.dtype} | ${torchCell(t)} |`);
  }
  if (r.skippedCells.length) lines.push('', `Not run: ${r.skippedCells.join('; ')}.`);
  lines.push('');
  return lines.join('\n');
}
