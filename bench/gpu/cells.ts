/**
 * One benchmark cell: a model of the studio (built by `buildModel` of src/core/model/build.ts, as
 * a training session builds it) at one image size and batch, trained on the active backend by
 * (a) a bare tfjs loop and (b) the studio's `Learner.fitOneCycle` over tensor loaders. Both
 * start from freshly built weights; the first `warm` steps (pipeline compilation, first
 * allocations) are timed apart and excluded; the timed window starts and ends on a GPU sync, so
 * ms/step is the queue's real throughput, not the time to enqueue.
 */
import * as tf from '@tensorflow/tfjs';
import { tensorLoaders } from '../../src/core/data/tensorLoaders';
import type { Task } from '../../src/core/data/types';
import { paramGroups } from '../../src/core/model/params';
import type { GroupedModel } from '../../src/core/model/types';
import type { Callback } from '../../src/core/train/callback';
import { Learner } from '../../src/core/train/learner';
import { IMAGENET_STATS } from '../../src/core/transforms/augment';
import type { ArchSpec } from '../../src/core/model/archSpec';
import { buildModel } from '../../src/core/model/build';
import { backboneLoader } from '../../src/io/backbone';
import { round } from '../lib/stats';
import { countDispatches } from './dispatches';

/** The models measured; names shared with torch_bench.py. */
export type GpuModel = 'smallCnn' | 'xresnet' | 'unet_smallCnn' | 'mobilenet_v2';

/** A model at one size and batch. */
export interface CellSpec {
  readonly model: GpuModel;
  readonly size: number;
  readonly batch: number;
}

/** Step counts: `warm` untimed, then up to `reps` timed within `budgetMs` (at least `minReps`). */
export interface StepPlan {
  readonly warm: number;
  readonly reps: number;
  readonly minReps: number;
  readonly budgetMs: number;
}

/** One loop's timing. */
export interface LoopTiming {
  /** Mean over the timed window (sync to sync). */
  readonly msPerStep: number;
  readonly samplesPerSecond: number;
  readonly timedSteps: number;
  /** The first step alone (pipeline compilation, uploads): excluded from msPerStep. */
  readonly firstStepMs: number;
  /** Building the model (and, for the studio, its loaders), ms. */
  readonly buildMs: number;
  /** WebGPU shader dispatches per timed step (`countDispatches`); absent on other backends. */
  readonly dispatchesPerStep?: number;
}

/** A cell's result: both loops, or why one failed. */
export interface CellResult extends CellSpec {
  readonly task: Task;
  readonly classes: number;
  /** Trainable parameters (conv kernels, batch-norm gamma/beta, dense), as PyTorch counts them. */
  readonly params?: number;
  readonly bare?: LoopTiming;
  readonly studio?: LoopTiming;
  /** studio ms/step / bare ms/step (1 = no overhead). */
  readonly studioOverBare?: number;
  readonly errors?: Partial<Record<'bare' | 'studio', string>>;
}

const LR = 1e-3;
/** Output classes of the classifiers, codes of the segmentation model. */
const CLASSES = 10;
const CODES = 4;
/** The ImageNet body's files under the served public folder, as the studio's built-in list names them. */
export const BODY_PATH = 'models/mobilenet_v2/model.json';

function taskOf(model: GpuModel): Task {
  return model === 'unet_smallCnn' ? 'segmentation' : 'single';
}

function archOf(model: GpuModel, baseUrl: string): ArchSpec {
  switch (model) {
    case 'smallCnn':
      return { kind: 'smallCnn' };
    case 'xresnet':
      return { kind: 'xresnet' };
    case 'unet_smallCnn':
      return { kind: 'unet', encoder: 'smallCnn' };
    case 'mobilenet_v2':
      return { kind: 'pretrained', url: `${baseUrl}/${BODY_PATH}` };
  }
}

/** Builds the cell's model exactly as the studio does (`buildModel(arch, task, classes, { size, stats }, backboneLoader)`). */
function build(spec: CellSpec, baseUrl: string): Promise<GroupedModel> {
  const task = taskOf(spec.model);
  return buildModel(archOf(spec.model, baseUrl), task, task === 'segmentation' ? CODES : CLASSES, { height: spec.size, width: spec.size, stats: IMAGENET_STATS }, backboneLoader);
}

function trainableVars(grouped: GroupedModel): tf.Variable[] {
  return paramGroups(grouped)
    .flat()
    .map((p) => p.variable);
}

/** Waits until every queued kernel has run: reads a (small) variable back. */
async function sync(v: tf.Variable): Promise<void> {
  await v.data();
}

/** A random normalized batch and its integer labels (per picture, or per pixel for segmentation). */
function randomBatch(spec: CellSpec, seed: number): { x: tf.Tensor4D; y: tf.Tensor } {
  const task = taskOf(spec.model);
  const x = tf.randomNormal([spec.batch, spec.size, spec.size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
  const y =
    task === 'segmentation'
      ? tf.randomUniform([spec.batch, spec.size, spec.size], 0, CODES, 'int32', seed)
      : tf.tensor1d(
          Array.from({ length: spec.batch }, (_, i) => i % CLASSES),
          'int32',
        );
  return { x, y };
}

function timing(spec: CellSpec, firstStepMs: number, windowMs: number, steps: number, buildMs: number, dispatches?: number): LoopTiming {
  const ms = windowMs / steps;
  return {
    msPerStep: round(ms, 2),
    samplesPerSecond: round((spec.batch * 1000) / ms, 1),
    timedSteps: steps,
    firstStepMs: round(firstStepMs, 0),
    buildMs: round(buildMs, 0),
    ...(dispatches !== undefined ? { dispatchesPerStep: round(dispatches / steps, 1) } : {}),
  };
}

/**
 * The bare loop: `tf.variableGrads` of softmax cross-entropy on pre-made random tensors, the
 * loss read back each step (as `model.trainOnBatch` does), then `tf.train.adam`.
 */
export async function bareLoop(spec: CellSpec, plan: StepPlan, baseUrl: string): Promise<{ timing: LoopTiming; params: number }> {
  const t0 = performance.now();
  const grouped = await build(spec, baseUrl);
  const vars = trainableVars(grouped);
  const params = vars.reduce((s, v) => s + v.size, 0);
  const { x, y } = randomBatch(spec, 3);
  const numOut = taskOf(spec.model) === 'segmentation' ? CODES : CLASSES;
  const oneHot = tf.oneHot(y as tf.Tensor1D, numOut);
  const opt = tf.train.adam(LR);
  const buildMs = performance.now() - t0;
  const step = async () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(oneHot, grouped.model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    await value.data();
    opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose([value, ...Object.values(grads)]);
  };
  const dispatches = countDispatches();
  try {
    let first = performance.now();
    await step();
    await sync(vars[vars.length - 1]);
    const firstStepMs = performance.now() - first;
    for (let i = 1; i < plan.warm; i++) await step();
    await sync(vars[vars.length - 1]);
    first = performance.now();
    dispatches.reset();
    let n = 0;
    while (n < plan.reps && (n < plan.minReps || performance.now() - first < plan.budgetMs)) {
      await step();
      n++;
    }
    await sync(vars[vars.length - 1]);
    return { timing: timing(spec, firstStepMs, performance.now() - first, n, buildMs, dispatches.read()), params };
  } finally {
    dispatches.stop();
    opt.dispose();
    grouped.model.dispose();
    tf.dispose([x, y, oneHot]);
  }
}

/**
 * The studio loop: `new Learner(tensorLoaders(...), buildModel(...))` and `fitOneCycle(1, lr)`
 * (AdamW with weight decay, one-cycle schedule, loss smoothing, recorder, prefetch on a GPU
 * backend). A callback syncs and starts the clock at the first timed batch, syncs and stops it
 * after the last, then aborts the fit before validation. The loaders hold `warm + reps + 1`
 * batches, fewer when they would pass `maxBindingBytes` (the adapter's maxStorageBufferBindingSize).
 */
export async function studioLoop(spec: CellSpec, plan: StepPlan, baseUrl: string, maxBindingBytes = Infinity): Promise<LoopTiming> {
  const t0 = performance.now();
  const grouped = await build(spec, baseUrl);
  const task = taskOf(spec.model);
  // Fewer batches (so fewer timed steps) when the tiled images would not fit one storage binding.
  const batchBytes = spec.batch * spec.size * spec.size * 3 * 4;
  const batches = Math.min(plan.warm + plan.reps + 1, Math.max(plan.warm + plan.minReps + 1, Math.floor(maxBindingBytes / batchBytes)));
  // One random batch tiled on the device: loaders of `batches` batches without generating them all in JS.
  const one = randomBatch(spec, 5);
  const train = tf.tidy(() => ({ x: tf.tile(one.x, [batches, 1, 1, 1]) as tf.Tensor4D, y: tf.tile(one.y, one.y.rank === 1 ? [batches] : [batches, 1, 1]) }));
  const classes = Array.from({ length: task === 'segmentation' ? CODES : CLASSES }, (_, i) => `c${i}`);
  const dls = tensorLoaders(train, one, task, spec.batch, { classes, stats: IMAGENET_STATS, seed: 1 });
  tf.dispose([one.x, one.y, train.x, train.y]);
  const learn = new Learner(dls, grouped, { lr: LR });
  const last = trainableVars(grouped).at(-1)!;
  const buildMs = performance.now() - t0;
  const stop = new AbortController();
  let firstFrom = 0;
  let firstStepMs = NaN;
  let from = 0;
  let windowMs = NaN;
  let n = 0;
  let dispatched: number | undefined;
  const dispatches = countDispatches();
  const timer: Callback = {
    name: 'gpuBenchTimer',
    order: 100,
    beforeBatch: async (l) => {
      const i = l.state.iter;
      if (i === 0) firstFrom = performance.now();
      if (i === plan.warm) {
        await sync(last);
        from = performance.now();
        dispatches.reset();
      }
    },
    afterBatch: async (l) => {
      const i = l.state.iter;
      if (i === 0) {
        await sync(last);
        firstStepMs = performance.now() - firstFrom;
      }
      if (i < plan.warm) return;
      n = i - plan.warm + 1;
      // The loaders hold one batch more than the timed steps, so the abort always comes before validation.
      if (n >= plan.reps || i >= batches - 2 || (n >= plan.minReps && performance.now() - from >= plan.budgetMs)) {
        await sync(last);
        windowMs = performance.now() - from;
        dispatched = dispatches.read();
        stop.abort();
      }
    },
  };
  try {
    await learn.fitOneCycle(1, LR, { callbacks: [timer], signal: stop.signal });
    if (!Number.isFinite(windowMs)) throw new Error(`the fit ended after ${n} timed steps without the timer stopping it`);
    return timing(spec, firstStepMs, windowMs, n, buildMs, dispatched);
  } finally {
    dispatches.stop();
    learn.dispose();
    dls.dispose();
    grouped.model.dispose();
  }
}

function message(e: unknown): string {
  return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0].slice(0, 300);
}

/** Both loops of one cell; a loop that throws is recorded with its error, not fatal. */
export async function runCell(spec: CellSpec, plan: StepPlan, baseUrl: string, maxBindingBytes = Infinity): Promise<CellResult> {
  const task = taskOf(spec.model);
  const errors: Partial<Record<'bare' | 'studio', string>> = {};
  let bare: LoopTiming | undefined;
  let studio: LoopTiming | undefined;
  let params: number | undefined;
  try {
    const b = await bareLoop(spec, plan, baseUrl);
    bare = b.timing;
    params = b.params;
  } catch (e) {
    errors.bare = message(e);
  }
  try {
    studio = await studioLoop(spec, plan, baseUrl, maxBindingBytes);
  } catch (e) {
    errors.studio = message(e);
  }
  return {
    ...spec,
    task,
    classes: task === 'segmentation' ? CODES : CLASSES,
    ...(params !== undefined ? { params } : {}),
    ...(bare ? { bare } : {}),
    ...(studio ? { studio } : {}),
    ...(bare && studio ? { studioOverBare: round(studio.msPerStep / bare.msPerStep, 3) } : {}),
    ...(Object.keys(errors).length ? { errors } : {}),
  };
}
