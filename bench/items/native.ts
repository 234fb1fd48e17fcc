/**
 * Item 7: the native reference. Where Debian's `python3-torch` is installed, `native.py` times
 * the same small CNN step in PyTorch on the CPU and the ratio to the studio's step (item 1) is
 * reported; otherwise the item is skipped with a message (nothing is installed).
 * Run alone: `npx tsx bench/items/native.ts`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { round } from '../lib/stats';

/** Item 7's result: a PyTorch timing, or why there is none. */
export type NativeResult =
  | { readonly item: 7; readonly skipped: string }
  | {
      readonly item: 7;
      readonly torch: string;
      readonly threads: number;
      readonly msPerStep: number;
      /** Studio ms per step / PyTorch ms per step, per backend (when item 1 ran). */
      readonly ratios: Readonly<Record<string, number>>;
    };

/**
 * Runs item 7. `studioMsPerStep` is the studio's ms per step of the same batch by backend
 * (from item 1), for the ratios.
 */
export function nativeBench(studioMsPerStep: Readonly<Record<string, number>> = {}): NativeResult {
  // The first Python that imports torch: the one on PATH, else Debian's own, where
  // python3-torch installs (a pyenv or venv python on PATH does not see it).
  const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
  if (!python) {
    const skipped = 'skipped: python3-torch not installed';
    progress(`item 7: ${skipped}`);
    return { item: 7, skipped };
  }
  const script = fileURLToPath(new URL('./native.py', import.meta.url));
  const run = spawnSync(python, [script], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) return { item: 7, skipped: `skipped: native.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { torch: string; threads: number; msPerStep: number };
  const ratios = Object.fromEntries(Object.entries(studioMsPerStep).map(([b, ms]) => [b, round(ms / out.msPerStep, 1)]));
  progress(`item 7: PyTorch ${out.torch} ${out.msPerStep.toFixed(1)} ms per step on ${out.threads} threads`);
  return { item: 7, torch: out.torch, threads: out.threads, msPerStep: round(out.msPerStep, 2), ratios };
}

if (isMain(import.meta.url)) printJson(nativeBench());
