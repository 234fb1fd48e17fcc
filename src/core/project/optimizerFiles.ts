/**
 * The optimizer's state as two bundle files, for autosave only (an export for other apps leaves
 * them out): `optimizer.json` lists each parameter's shape and step count, `optimizer.bin` holds
 * its first then second Adam moments as little-endian float32, parameter after parameter.
 * With them a fit resumed after a reload continues as if the page had never closed.
 */
import type { ParamMoments } from '../train/optimizer';
import type { BundleFiles } from './bundle';

export const OPTIMIZER_FILES = { index: 'optimizer.json', data: 'optimizer.bin' } as const;

interface OptimizerIndex {
  readonly format: 'studio-adamw-moments';
  readonly version: 1;
  /** Epochs the learner had run: the seed of the next epoch's shuffle and augmentation. */
  readonly epochsRun: number;
  readonly params: readonly { readonly shape: readonly number[]; readonly step: number }[];
}

/** What a fit needs to go on exactly: Adam's moments and the learner's epoch count. */
export interface TrainingState {
  readonly moments: readonly ParamMoments[];
  readonly epochsRun: number;
}

/** The two files of a training state. */
export function optimizerFiles({ moments, epochsRun }: TrainingState): BundleFiles {
  const index: OptimizerIndex = { format: 'studio-adamw-moments', version: 1, epochsRun, params: moments.map((m) => ({ shape: m.shape, step: m.step })) };
  const total = moments.reduce((n, m) => n + 2 * m.gradAvg.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const m of moments) {
    data.set(m.gradAvg, at);
    data.set(m.sqrAvg, at + m.gradAvg.length);
    at += 2 * m.gradAvg.length;
  }
  return { [OPTIMIZER_FILES.index]: new TextEncoder().encode(JSON.stringify(index)), [OPTIMIZER_FILES.data]: new Uint8Array(data.buffer) };
}

/** The training state in a bundle, or null when it has none (an exported bundle) or it does not read. */
export function readOptimizerFiles(files: BundleFiles): TrainingState | null {
  const [indexBytes, dataBytes] = [files[OPTIMIZER_FILES.index], files[OPTIMIZER_FILES.data]];
  if (!indexBytes || !dataBytes) return null;
  const index = JSON.parse(new TextDecoder().decode(indexBytes)) as OptimizerIndex;
  if (index.format !== 'studio-adamw-moments' || index.version !== 1) return null;
  // A copy: the bytes may sit at an offset that is not a multiple of 4.
  const data = new Float32Array(dataBytes.slice().buffer);
  const moments: ParamMoments[] = [];
  let at = 0;
  for (const p of index.params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (at + 2 * size > data.length) return null;
    moments.push({ shape: p.shape, step: p.step, gradAvg: data.slice(at, at + size), sqrAvg: data.slice(at + size, at + 2 * size) });
    at += 2 * size;
  }
  return { moments, epochsRun: index.epochsRun };
}
