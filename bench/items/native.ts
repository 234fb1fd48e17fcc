/**
 * Item 7: the native reference. Where Debian's `python3-torch` is installed, `native.py` times
 * the same small CNN step in PyTorch on the CPU and the ratio to the studio's step (item 1) is
 * reported, and `native_body.py` times item 2b's model (the MobileNetV2 body cut at
 * block_11_expand_relu with fastai's head, frozen, unfrozen and inference, 128 px batch 16 and
 * 224 px batch 8) with its parameter counts and the ratio per cell to item 2b's figures;
 * otherwise the item is skipped with a message (nothing is installed).
 * Run alone: `npx tsx bench/items/native.ts` (no studio figures then, so no ratios).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { round } from '../lib/stats';
import type { BackboneMode, BackboneResult } from './backbone';

/** One cell of item 2b's model in PyTorch, with the studio's time and ratio per backend where item 2b timed it. */
export interface NativeBodyRow {
  readonly size: number;
  readonly batch: number;
  readonly mode: BackboneMode;
  readonly msPerStep: number;
  readonly reps: number;
  /** Studio ms per step by backend (item 2b, same size, batch and mode). */
  readonly studioMs: Readonly<Record<string, number>>;
  /** Studio ms / PyTorch ms by backend. */
  readonly ratios: Readonly<Record<string, number>>;
}

/** Item 2b's model in PyTorch, or why it was not timed. */
export type NativeBodyResult =
  | { readonly skipped: string }
  | {
      /** Trainable parameters frozen / in all, PyTorch's and (when item 2b ran) the studio's. */
      readonly params: { readonly frozen: number; readonly total: number };
      readonly studioParams?: { readonly frozen: number; readonly total: number };
      readonly rows: readonly NativeBodyRow[];
    };

/** Item 7's result: a PyTorch timing, or why there is none. */
export type NativeResult =
  | { readonly item: 7; readonly skipped: string }
  | {
      readonly item: 7;
      readonly torch: string;
      readonly threads: number;
      /** PyTorch's 512x512 float32 matmul speed: under ~10, it runs Debian's reference BLAS (install libopenblas0-pthread). */
      readonly blasGflops?: number;
      readonly msPerStep: number;
      /** Studio ms per step / PyTorch ms per step, per backend (when item 1 ran). */
      readonly ratios: Readonly<Record<string, number>>;
      /** Item 2b's model (absent in results written before it was added). */
      readonly body?: NativeBodyResult;
    };

/** Under this, PyTorch's matmul is Debian's reference BLAS (measured 2.7 GFLOPS there, 124 with OpenBLAS on 2 cores). */
const SLOW_BLAS_GFLOPS = 10;

/**
 * glibc settings for PyTorch's process: keep freed memory instead of returning it to the system.
 * By default a tensor over 32 MB is its own mmap, unmapped when freed, so every step faults its
 * activations' pages in again; on this VM that made the MobileNetV2 body's steps 2-8x slower and
 * erratic (224 px inference 53 to 392 ms from run to run; 43 ms steadily with these), where
 * PyTorch deployments use jemalloc or tcmalloc, which keep them. The wasm heap never shrinks.
 */
export const KEEP_FREED_MEMORY = { MALLOC_MMAP_THRESHOLD_: '4294967296', MALLOC_TRIM_THRESHOLD_: '4294967296', MALLOC_TOP_PAD_: '1073741824' } as const;

/** Runs a script with `python` and parses the JSON object on its last stdout line, or says why not. */
function runScript<T>(python: string, name: string, timeoutMs: number): T | { skipped: string } {
  const script = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const run = spawnSync(python, [script], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...KEEP_FREED_MEMORY } });
  if (run.status !== 0) return { skipped: `skipped: ${name} failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as T;
}

interface BodyOut {
  params: { frozen: number; total: number };
  rows: { size: number; batch: number; mode: BackboneMode; msPerStep: number; reps: number }[];
}

function bodyBench(python: string, backbone: BackboneResult | undefined): NativeBodyResult {
  const out = runScript<BodyOut>(python, 'native_body.py', 600_000);
  if ('skipped' in out) return out;
  const rows = out.rows.map((r) => {
    const studio = (backbone?.rows ?? []).filter((s) => s.size === r.size && s.batch === r.batch && s.mode === r.mode && s.result);
    const studioMs = Object.fromEntries(studio.map((s) => [s.backend, s.result?.msPerStep ?? NaN]));
    const ratios = Object.fromEntries(studio.map((s) => [s.backend, round((s.result?.msPerStep ?? NaN) / r.msPerStep, 1)]));
    progress(
      `item 7: PyTorch MobileNetV2 body ${r.size}px ${r.mode} batch ${r.batch}: ${r.msPerStep.toFixed(1)} ms${Object.entries(ratios)
        .map(([b, x]) => `, ${b} ${x}x`)
        .join('')}`,
    );
    return { ...r, msPerStep: round(r.msPerStep, 1), studioMs, ratios };
  });
  return { params: out.params, ...(backbone ? { studioParams: backbone.params } : {}), rows };
}

/**
 * Runs item 7. `studioMsPerStep` is the studio's ms per step of the same batch by backend
 * (from item 1), for the ratios; `backbone` is item 2b's result, for the body's ratios.
 */
export function nativeBench(studioMsPerStep: Readonly<Record<string, number>> = {}, backbone?: BackboneResult): NativeResult {
  // The first Python that imports torch: the one on PATH, else Debian's own, where
  // python3-torch installs (a pyenv or venv python on PATH does not see it).
  const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
  if (!python) {
    const skipped = 'skipped: python3-torch not installed';
    progress(`item 7: ${skipped}`);
    return { item: 7, skipped };
  }
  const out = runScript<{ torch: string; threads: number; blasGflops?: number; msPerStep: number }>(python, 'native.py', 120_000);
  if ('skipped' in out) return { item: 7, skipped: out.skipped };
  if ((out.blasGflops ?? Infinity) < SLOW_BLAS_GFLOPS) {
    progress(`item 7: PyTorch's BLAS runs ${out.blasGflops} GFLOPS, the reference BLAS: its times are not a fair reference (apt-get install libopenblas0-pthread)`);
  }
  const ratios = Object.fromEntries(Object.entries(studioMsPerStep).map(([b, ms]) => [b, round(ms / out.msPerStep, 1)]));
  progress(`item 7: PyTorch ${out.torch} ${out.msPerStep.toFixed(1)} ms per step on ${out.threads} threads, BLAS ${out.blasGflops ?? '?'} GFLOPS`);
  return { item: 7, torch: out.torch, threads: out.threads, blasGflops: out.blasGflops, msPerStep: round(out.msPerStep, 2), ratios, body: bodyBench(python, backbone) };
}

if (isMain(import.meta.url)) printJson(nativeBench());
