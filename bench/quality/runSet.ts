/**
 * One data set, one seed, through the studio's default flow: the guessed data block (its split
 * and batch order seeded), the guessed learner, the LR finder, then `fit_one_cycle` from the
 * same starting weights at every suggester's rate and every rate of a fixed grid. A frozen
 * pretrained body trains on the fast path (the head on cached features), as the studio does.
 */
import { guessSpec } from '../../src/core/data/infer';
import { buildDataBlock, makeDataLoaders, plainTrainLoader } from '../../src/core/data/block';
import { makeLoader } from '../../src/core/data/loader';
import type { DataBlockSpec } from '../../src/core/data/types';
import { loaderTargets, trivialBaselines, type Baseline } from '../../src/core/metrics/baselines';
import { FAST_PATH_PROBES, autoLr } from '../../src/core/train/autoLr';
import { KEY_METRIC } from '../../src/core/metrics/keyMetric';
import { NonFiniteLossError } from '../../src/core/train/callback';
import { fastHeadLearner, type FastHead } from '../../src/core/train/fastHead';
import { Learner } from '../../src/core/train/learner';
import { restoreWeights, snapshotWeights } from '../../src/core/train/weights';
import { disposeSnapshot } from '../../src/core/train/optimizer';
import { backboneLoader } from '../../src/io/backbone';
import { decodeInNode } from '../../src/io/node/nodeDecode';
import { readFolder } from '../../src/io/node/nodeFiles';
import { guessArch } from '../../src/core/model/guessArch';
import { archName, buildModel, startsFrozen } from '../../src/core/model/build';
import * as tf from '@tensorflow/tfjs';
import { formatSize, sizeFromSides } from '../../src/core/data/sizeSpec';

export { KEY_METRIC };

/** One training run at one rate. */
export interface RateRun {
  readonly lr: number;
  /** The key metric after the last epoch; NaN when the loss diverged. */
  readonly metric: number;
  readonly validLoss: number;
  readonly seconds: number;
}

/** Everything one seed of one set gave. */
export interface SeedResult {
  readonly seed: number;
  readonly task: keyof typeof KEY_METRIC;
  readonly metric: string;
  readonly learner: string;
  readonly fastPath: boolean;
  /** Training size as printed: `64` or `120×160`. */
  readonly size: string;
  readonly trainCount: number;
  readonly validCount: number;
  readonly classes: number;
  readonly baselines: readonly Baseline[];
  /** Suggester name -> its rate (valley, slide, steep, minimum/10, auto). */
  readonly suggested: Readonly<Record<string, number>>;
  readonly autoReason: string;
  /** One run per distinct rate, suggested or from the grid. */
  readonly runs: readonly RateRun[];
  readonly seconds: number;
}

/** How a set is trained. */
export interface RunOptions {
  readonly seed: number;
  readonly epochs: number;
  readonly grid: readonly number[];
  /** The app's base URL, where `models/mobilenet_v2/` is served. */
  readonly baseUrl: string;
  readonly log: (line: string) => void;
}

/** True when two rates are within 5% of each other. */
export function near(a: number, b: number): boolean {
  return Math.max(a, b) / Math.min(a, b) <= 1.05;
}

/** The guessed spec with the seed in its random split and its batch order. */
function seeded(spec: DataBlockSpec, seed: number): DataBlockSpec {
  const split = spec.split.kind === 'random' ? { ...spec.split, seed } : spec.split;
  return { ...spec, split, batch: { ...spec.batch, seed } };
}

/** Trains one seed of the set in `folder`; see the file's comment. */
export async function runSet(folder: string, opts: RunOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const files = readFolder(folder);
  const spec = seeded(await guessSpec(files), opts.seed);
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  if (!block.ok) throw new Error(`${folder}: the data block cannot be built: ${block.problems.map((p) => p.message).join('; ')}`);
  const dls = makeDataLoaders(block, spec);
  const task = dls.task;
  const plain = plainTrainLoader(block, spec);
  const baselines = await scoreBaselines(task, plain, dls);
  const arch = guessArch(task, opts.baseUrl);
  const learn = new Learner(dls, await buildModel(arch, task, dls.classes.length, dls, backboneLoader));
  let fast: FastHead | null = null;
  try {
    if (startsFrozen(arch)) learn.freeze();
    fast = startsFrozen(arch) ? await fastHeadLearner(learn, plain, { seed: spec.batch.seed }) : null;
    const runner = fast?.learner ?? learn;
    opts.log(`  ${archName(arch)}${fast ? ' (frozen, head on cached features)' : ''}, ${dls.train.count}/${dls.valid.count} pictures at ${dls.height}x${dls.width}px`);
    const found = await runner.lrFind({ numIt: 100 });
    if (!found.suggestions) throw new Error(`${folder}: the LR finder recorded too few finite losses`);
    const auto = await autoLr(runner, found.suggestions, { epochs: opts.epochs, ...(fast ? FAST_PATH_PROBES : {}) });
    const s = found.suggestions;
    const suggested = { valley: s.valley, slide: s.slide, steep: s.steep, 'minimum/10': s.minimum, auto: auto.lr };
    opts.log(
      `  suggested ${Object.entries(suggested)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')}; auto: ${auto.reason}`,
    );
    // Rates within 5% of one another share a run (the grid's 3e-3 and a valley at 3.02e-3).
    const rates: number[] = [];
    for (const lr of [...opts.grid, ...Object.values(suggested)]) if (!rates.some((r) => near(r, lr))) rates.push(lr);
    const runs: RateRun[] = [];
    for (const lr of rates.sort((a, b) => a - b)) runs.push(await fitFromStart(runner, lr, opts.epochs, KEY_METRIC[task], opts.log));
    return {
      seed: opts.seed,
      task,
      metric: KEY_METRIC[task],
      learner: archName(arch),
      fastPath: fast !== null,
      size: formatSize(sizeFromSides(dls)),
      trainCount: dls.train.count,
      validCount: dls.valid.count,
      classes: dls.classes.length,
      baselines,
      suggested,
      autoReason: auto.reason,
      runs,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    fast?.dispose();
    learn.dispose();
    learn.model.dispose();
  }
}

/** The trivial baselines: trained on the un-augmented training targets, scored on validation. */
export async function scoreBaselines(task: SeedResult['task'], plain: ReturnType<typeof makeLoader>, dls: ReturnType<typeof makeDataLoaders>): Promise<Baseline[]> {
  const [trainY, validY] = [await loaderTargets(plain), await loaderTargets(dls.valid)];
  try {
    return await trivialBaselines(task, trainY, validY, { numClasses: dls.classes.length, voidIndex: dls.voidIndex, height: dls.height, width: dls.width });
  } finally {
    tf.dispose([trainY, validY]);
  }
}

/**
 * `fit_one_cycle(epochs, lr)` from the learner's current weights and optimizer state, which are
 * put back afterwards (with the epoch count, so every rate sees the same batches).
 */
async function fitFromStart(learn: Learner, lr: number, epochs: number, metric: string, log: (line: string) => void): Promise<RateRun> {
  const t0 = performance.now();
  const weights = snapshotWeights(learn.model);
  const opt = learn.opt.snapshot();
  const epochsRun = learn.epochsRun;
  let result: RateRun;
  try {
    await learn.fitOneCycle(epochs, lr);
    const last = learn.recorder.epochs.at(-1);
    result = { lr, metric: last?.metrics[metric] ?? NaN, validLoss: last?.validLoss ?? NaN, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    result = { lr, metric: NaN, validLoss: NaN, seconds: (performance.now() - t0) / 1000 };
  } finally {
    restoreWeights(learn.model, weights);
    tf.dispose(weights);
    learn.opt.restore(opt);
    disposeSnapshot(opt);
    learn.continueFrom(epochsRun);
  }
  log(`    lr ${lr.toExponential(1)}: ${metric} ${result.metric.toFixed(4)} (${result.seconds.toFixed(1)} s)`);
  return result;
}
