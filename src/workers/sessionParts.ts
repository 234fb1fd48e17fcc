import type { Task } from '../core/data/types';
import { accuracyThresh, fbeta } from '../core/metrics/multiLabel';
import { describeBody } from '../core/model/pretrainedBody';
import { countParams, type GroupedModel } from '../core/model/types';
import type { StudioManifest } from '../core/project/manifest';
import type { Progress } from '../core/train/learner';
import { archName, bodyLine } from '../core/model/build';
import type { ArchSpec, LearnerInfo, LearnerSpec } from './protocol';

// The plain helpers of TrainSession: what it reports of a learner, and small pure checks.

/** The Learner cell's summary of a model: its groups with trainable parameters and frozen state, its body. */
export function describeLearner(grouped: GroupedModel, task: Task, arch: ArchSpec, frozen: boolean): LearnerInfo {
  const groups = grouped.layerGroups.map((layers, i, all) => ({
    name: i === all.length - 1 ? 'head' : `body ${i + 1}`,
    // Trainable scalars only (batch-norm running statistics are not parameters).
    params: layers.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0), 0),
    frozen: frozen && i < all.length - 1,
    from: layers.find((l) => l.trainableWeights.length > 0)?.name,
  }));
  const body = bodyLine(arch, describeBody(grouped.model, grouped.layerGroups));
  return { task, arch: archName(arch), groups, totalParams: countParams(grouped.model), ...(body ? { body } : {}) };
}

/** Multi-label metrics at the learner's threshold and beta (lesson 3: accuracy_thresh and F2 at 0.2). */
export function multiLabelMetrics(spec: LearnerSpec) {
  return [accuracyThresh({ thresh: spec.thresh }), fbeta({ thresh: spec.thresh, beta: spec.beta })];
}

/** Whether a saved model's outputs fit a data block: same task, same classes in the same order. */
export function sameOutputs(m: StudioManifest, task: string, classes: readonly string[]): boolean {
  return m.task === task && m.classes.length === classes.length && m.classes.every((c, i) => c === classes[i]);
}

/** Where a progress event is: phase, epoch and batch. */
export function where(p: Progress) {
  return { phase: p.phase, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch };
}

/**
 * The session's commands that change the data or the learner, one at a time: another one asked
 * for meanwhile (two clicks on Fit, a rebuild during a fit) is refused with a message naming the
 * one that runs. Each running command has its Stop.
 */
export class OneAtATime {
  private current: { readonly name: string; readonly abort: AbortController } | null = null;

  /** The command running now (`fit`, `LR finder`, ...), or null. */
  get running(): string | null {
    return this.current?.name ?? null;
  }

  /** The running command's stop signal. */
  get signal(): AbortSignal | undefined {
    return this.current?.abort.signal;
  }

  /** Runs `run` as `name`, or throws when another command runs. */
  async run<T>(name: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.refuse(name);
    const current = { name, abort: new AbortController() };
    this.current = current;
    try {
      return await run(current.abort.signal);
    } finally {
      this.current = null;
    }
  }

  /** Throws, naming the running command, when one runs. */
  refuse(name: string): void {
    if (this.current) throw new Error(`The ${this.current.name} is still running: wait for it to end or press Stop, then ask for the ${name} again`);
  }

  /** Stops the running command at its next batch; true when one was running. */
  stop(): boolean {
    this.current?.abort.abort();
    return this.current !== null;
  }
}
