/**
 * `npm run train -- ... --python OUT`: after training, the PyTorch export (train.py, weights/,
 * plan.json, notebook.ipynb, README.md) written as a folder, as the page's "Export for PyTorch"
 * zips it. The Python sources are read from disk here: tsx has no `?raw` imports.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pytorchExport, type ExportSettings, type PythonFiles } from '../../src/core/export/pytorch/exportFiles';
import type { RecordedRun } from '../../src/core/export/pytorch/plan';
import type { SizeSpec } from '../../src/core/data/sizeSpec';
import type { StudioManifest } from '../../src/core/project/manifest';
import type { Learner } from '../../src/core/train/learner';
import type { LrSpec } from '../../src/core/train/schedules';
import { learnerBundle } from '../../src/core/project/learnerBundle';

/** The folder of the `.py` templates (the same files `src/core/export/pytorch/pythonSources.ts` imports). */
const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'core', 'export', 'pytorch', 'python');

/** Every `.py` template by name. */
export function pythonFilesFromDisk(dir = PYTHON_DIR): PythonFiles {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((n) => n.endsWith('.py'))
      .map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
  );
}

/** What the command line ran, as the runs the page would have recorded. */
export interface CliRuns {
  readonly sizes: readonly SizeSpec[];
  readonly epochs: number;
  readonly lr: LrSpec;
  readonly frozen: boolean;
  readonly fineTune: boolean;
  readonly freezeEpochs: number;
}

/** One recorded fit per size, as the Fit cell records it (fine_tune's epochs count the frozen ones). */
export function cliRecordedRuns(r: CliRuns): RecordedRun[] {
  return r.sizes.map((size) =>
    r.fineTune ? { epochs: r.freezeEpochs + r.epochs, lr: r.lr, size, frozen: true, oneCycle: true, fineTune: { freezeEpochs: r.freezeEpochs } } : { epochs: r.epochs, lr: r.lr, size, frozen: r.frozen, oneCycle: true },
  );
}

/** Writes the export into `dir`; returns the paths written. */
export async function writePythonExport(dir: string, learn: Learner, manifest: StudioManifest, runs: CliRuns, settings: ExportSettings): Promise<string[]> {
  const bundle = await learnerBundle(learn, manifest, { teachable: false });
  const files = pytorchExport(bundle, cliRecordedRuns(runs), settings, pythonFilesFromDisk());
  return Object.entries(files).map(([name, bytes]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return path;
  });
}
