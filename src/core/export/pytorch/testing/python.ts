/**
 * Runs the exported Python in tests: Debian's `python3-torch` lives under /usr/bin/python3 (the
 * `python3` first on PATH may be another interpreter without torch). `.ci/run` installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The interpreter with torch and torchvision. */
export const PYTHON = '/usr/bin/python3';

/** The folder holding the Python templates, run in place by the model tests. */
export const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'python');

/**
 * torchrun: /usr/bin/torchrun where it starts; else the export's launch.py, which is torchrun's
 * main with the fix Debian's torch 1.13 needs on Python 3.11 (`python3 -m torch.distributed.run`
 * fails there the same way as /usr/bin/torchrun).
 */
export function torchrunCommand(): string[] {
  return torchrunWorks() ? ['/usr/bin/torchrun'] : [PYTHON, join(PYTHON_DIR, 'launch.py')];
}

/** True when /usr/bin/torchrun can start at all (its --help parses the same defaults that break it). */
function torchrunWorks(): boolean {
  if (!existsSync('/usr/bin/torchrun')) return false;
  const r = spawnSync('/usr/bin/torchrun', ['--nproc_per_node', '1', '-m', 'json.tool', '--help'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0;
}

/** Environment for the child: no bytecode caches in the source tree, two threads on this 2-core machine. */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '2', ...extra };
}

/**
 * Runs a Python program and returns its stdout; throws with stderr when it fails.
 * @example runPython(['studio_model.py', dir, 'x.f32', '2,28,28,3', 'y.f32'], PYTHON_DIR)
 */
export function runPython(args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(PYTHON, [...args], { cwd, env: pythonEnv(env), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

let torchFound: boolean | undefined;

/** True when /usr/bin/python3 imports torch (the tests need it; CI installs it); asked once, since the import takes seconds. */
export function hasTorch(): boolean {
  if (torchFound === undefined) {
    try {
      execFileSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
      torchFound = true;
    } catch {
      torchFound = false;
    }
  }
  return torchFound;
}
