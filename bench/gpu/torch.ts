/**
 * The PyTorch side: runs bench/gpu/torch_bench.py (the same models, same layer shapes, in fp32
 * and bf16) when `$PYTHON` (default python3) can import torch, or reads the JSON a previous run
 * wrote (`--torch-json`, what bench/gpu/device.sh does, running it apart so a failure of one
 * side does not cost the other).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One model, size and dtype as torch_bench.py reports it. */
export interface TorchRow {
  readonly model: string;
  readonly size: number;
  readonly batch: number;
  readonly dtype: 'fp32' | 'bf16';
  readonly params?: number;
  readonly msPerStep?: number;
  readonly samplesPerSecond?: number;
  readonly timedSteps?: number;
  readonly firstStepMs?: number;
  readonly error?: string;
}

/** torch_bench.py's JSON, or why there is none. */
export interface TorchResult {
  readonly skipped?: string;
  readonly torch?: string;
  readonly torchvision?: string | null;
  readonly device?: string;
  readonly deviceName?: string;
  readonly notes?: readonly string[];
  readonly rows?: readonly TorchRow[];
}

const SCRIPT = join(process.cwd(), 'bench/gpu/torch_bench.py');

/** Reads a torch_bench.py JSON written earlier. */
export function readTorchJson(path: string): TorchResult {
  if (!existsSync(path)) return { skipped: `${path} does not exist (the PyTorch run did not write it)` };
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TorchResult;
  } catch (e) {
    return { skipped: `${path} is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Runs torch_bench.py with `args` when torch imports; its progress goes to stderr. */
export function runTorch(args: readonly string[], timeoutMs: number): TorchResult {
  const python = process.env.PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`;
    return { skipped: `\`${python} -c 'import torch'\` failed: ${why}` };
  }
  const run = spawnSync(python, [SCRIPT, ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  if (run.error || run.status !== 0) return { skipped: `torch_bench.py failed: ${run.error?.message ?? `exit ${run.status}`}` };
  try {
    return JSON.parse(run.stdout) as TorchResult;
  } catch {
    return { skipped: `torch_bench.py printed no JSON: ${run.stdout.slice(0, 200)}` };
  }
}
