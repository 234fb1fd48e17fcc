/**
 * "Export for PyTorch": the studio's bundle plus what runs it outside the browser, as file path ->
 * bytes (zipped by the page, written by the command line):
 * - `train.py` and its modules: plain PyTorch (and numpy, PIL), no network;
 * - `plan.json`: the recorded runs (see plan.ts);
 * - `weights/`: the studio's `model.json` + `weights.bin` + `studio.json`, which `studio_model.py`
 *   turns into PyTorch tensors (kernels HWIO -> OIHW, dense transposed, batch-norm statistics);
 * - `notebook.ipynb`: the same in fastai v2; `README.md`: the commands and what maps to what.
 */
import { BUNDLE_FILES, checkBundle, type BundleFiles } from '../../project/bundleFiles';
import { fastaiNotebook } from './notebook';
import { planFromRuns, type RecordedRun, type TrainingPlan } from './plan';
import { pytorchReadme } from './readme';

/** Python file name -> source text. */
export type PythonFiles = Readonly<Record<string, string>>;

/** Where the export puts the studio's bundle. */
export const WEIGHTS_FOLDER = 'weights';

const encoder = new TextEncoder();

/** The learner settings the export needs beside the bundle, and what was left out of the runs. */
export interface ExportSettings {
  readonly wd: number;
  readonly threshold: number;
  readonly beta: number;
  readonly notes?: readonly string[];
}

/** True when the model's body came pretrained (fastai's `vision_learner` / `unet_learner` on a pretrained encoder). */
export function hasPretrainedBody(arch: { readonly name: string; readonly [k: string]: unknown }): boolean {
  return arch.name === 'pretrained' || (arch.name === 'unet' && arch.encoder === 'pretrained');
}

/**
 * The export's files from the studio's bundle (`makeBundle`'s), the runs the notebook recorded,
 * the learner's settings and the Python sources.
 * @throws Error when the bundle cannot be read back (the message names the missing part)
 * @example const files = pytorchExport(await client.exportBundle(), runs, { wd: 0.01, threshold: 0.2, beta: 2 }, PYTHON_FILES);
 */
export function pytorchExport(bundle: BundleFiles, runs: readonly RecordedRun[], settings: ExportSettings, python: PythonFiles): BundleFiles {
  const read = checkBundle(bundle);
  if ('error' in read) throw new Error(read.error);
  const { notes = [], ...learner } = settings;
  const plan: TrainingPlan = planFromRuns(runs, { ...learner, pretrainedBody: hasPretrainedBody(read.manifest.arch), size: read.manifest.spec.transforms.size }, notes);
  const files: BundleFiles = {};
  for (const [name, text] of Object.entries(python)) files[name] = encoder.encode(text);
  for (const name of [BUNDLE_FILES.model, BUNDLE_FILES.weights, BUNDLE_FILES.manifest]) files[`${WEIGHTS_FOLDER}/${name}`] = bundle[name];
  files['plan.json'] = encoder.encode(`${JSON.stringify(plan, null, 2)}\n`);
  files['notebook.ipynb'] = encoder.encode(fastaiNotebook(read.manifest, plan));
  files['README.md'] = encoder.encode(pytorchReadme(read.manifest, plan));
  return files;
}
