import type { BackboneMode, BackboneResult } from '../items/backbone';
import { mdTable, num } from './table';

const MODES: readonly BackboneMode[] = ['frozen', 'unfrozen', 'inference'];

/** Section 2b: one row per backend, size and mode; skipped and failed cells say why. */
export function backboneSection(r: BackboneResult): string {
  const rows = [...r.rows].sort((a, b) => a.backend.localeCompare(b.backend) || a.size - b.size || MODES.indexOf(a.mode) - MODES.indexOf(b.mode));
  const table = mdTable(
    ['backend', 'px', 'mode', 'batch', 'ms/step (reps)', 'samples/s', 'samples/CPU-s'],
    rows.map((x) =>
      x.result
        ? [x.backend, x.size, x.mode, x.batch, `${num(x.result.msPerStep, 0)} (${x.result.reps}${x.result.warm ? '' : ', first step'})`, num(x.result.samplesPerSecond, 2), num(x.result.samplesPerCpuSecond, 2)]
        : [x.backend, x.size, x.mode, x.batch, x.error ? `failed: ${x.error}` : `skipped: ${x.skipped ?? '?'}`, '–', '–'],
    ),
  );
  return ['## 2b. Pretrained ImageNet body (MobileNetV2)', '', `${r.setup}.`, '', table].join('\n');
}
