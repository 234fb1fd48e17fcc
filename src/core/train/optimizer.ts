import * as tf from '@tensorflow/tfjs';
import { PackedMoments } from './packedMoments';

/** Hyper-parameters of one parameter group; names follow fastai (`mom` is Adam's beta1). */
export interface AdamHypers {
  lr: number;
  /** beta1. */
  mom: number;
  /** beta2. */
  sqrMom: number;
  eps: number;
  /** Decoupled weight decay: p <- p * (1 - lr * wd) before the Adam step. */
  wd: number;
}

/** fastai's `Adam` defaults (optimizer.py): beta1 0.9, beta2 0.99, eps 1e-5, wd 0.01. */
export const ADAM_DEFAULTS: Readonly<AdamHypers> = { lr: 1e-3, mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.01 };

/** One trainable tensor and how the optimizer treats it. */
export interface Param {
  readonly variable: tf.Variable;
  /** False for batch-norm and bias weights (fastai's `wd_bn_bias=False`). */
  readonly doWd: boolean;
  /** Batch-norm weights keep training in frozen groups (fastai's `train_bn=True`). */
  readonly isBn: boolean;
}

interface ParamState {
  gradAvg: tf.Tensor;
  sqrAvg: tf.Tensor;
  step: number;
}

/** One parameter's Adam moments and step count as plain numbers (see `AdamW.exportMoments`). */
export interface ParamMoments {
  readonly shape: readonly number[];
  readonly step: number;
  readonly gradAvg: Float32Array;
  readonly sqrAvg: Float32Array;
}

/** A deep copy of the optimizer's state, for the LR finder to put back afterwards. */
export interface OptimizerSnapshot {
  readonly hypers: readonly AdamHypers[];
  readonly state: ReadonlyMap<string, Readonly<ParamState>>;
  readonly pack?: PackedMoments;
}

/**
 * AdamW with fastai's update (optimizer.py `Adam(decouple_wd=True)`), over parameter groups that
 * each carry their own lr, momentum and weight decay:
 * p *= 1 - lr*wd; m = mom*m + (1-mom)*g; v = sqrMom*v + (1-sqrMom)*g^2;
 * p -= lr / (1 - mom^t) * m / (sqrt(v / (1 - sqrMom^t)) + eps).
 */
export class AdamW {
  /** Hyper-parameters, one entry per group; callbacks change `lr` and `mom` between steps. */
  readonly hypers: AdamHypers[];
  private readonly groupOf = new Map<string, number>();
  private readonly params = new Map<string, Param>();
  /** Moments of parameters outside the pack. */
  private state = new Map<string, ParamState>();
  /** Moments of the parameters stepped last, flat; each parameter is in `state` or here, never both. */
  private pack?: PackedMoments;

  constructor(
    readonly groups: readonly (readonly Param[])[],
    defaults: Partial<AdamHypers> = {},
  ) {
    this.hypers = groups.map(() => ({ ...ADAM_DEFAULTS, ...defaults }));
    groups.forEach((g, i) =>
      g.forEach((p) => {
        this.groupOf.set(p.variable.name, i);
        this.params.set(p.variable.name, p);
      }),
    );
  }

  /** Sets one hyper-parameter: a single value for every group, or one value per group. */
  setHyper(key: keyof AdamHypers, value: number | readonly number[]): void {
    const values = typeof value === 'number' ? this.hypers.map(() => value) : value;
    if (values.length !== this.hypers.length) {
      throw new Error(`Got ${values.length} values for ${key} but the model has ${this.hypers.length} parameter groups.`);
    }
    this.hypers.forEach((h, i) => (h[key] = values[i]));
  }

  /**
   * Applies one update with the given gradients (keyed by variable name); others are left alone.
   * The stepped parameters are updated together (`PackedMoments`); the pack is rebuilt only when
   * the set of parameters with gradients changes (freezing, unfreezing).
   */
  step(grads: Readonly<Record<string, tf.Tensor | null>>): void {
    const stepped = [...this.params.values()].filter((p) => grads[p.variable.name]);
    if (!stepped.length) return;
    const pack = this.pack?.names.length === stepped.length && stepped.every((p) => this.pack!.holds(p.variable.name)) ? this.pack : this.repack(stepped);
    pack.step(
      pack.names.map((n) => grads[n]!),
      this.hypers,
    );
  }

  /** Moves the moments of `stepped` into a new pack, the previous pack's back to `state`. */
  private repack(stepped: readonly Param[]): PackedMoments {
    this.unpack();
    return (this.pack = PackedMoments.pack(
      stepped.map((p) => {
        const s = this.state.get(p.variable.name);
        this.state.delete(p.variable.name);
        return { variable: p.variable, doWd: p.doWd, group: this.groupOf.get(p.variable.name)!, step: s?.step ?? 0, gradAvg: s?.gradAvg, sqrAvg: s?.sqrAvg };
      }),
    ));
  }

  /** Puts the packed moments back into `state`, one tensor pair per parameter. */
  private unpack(): void {
    if (!this.pack) return;
    const names = this.pack.names;
    this.pack.unpack().forEach((s, i) => this.state.set(names[i], s));
    this.pack = undefined;
  }

  /** Number of steps taken by a parameter (0 before its first gradient). */
  stepCount(name: string): number {
    const packed = this.pack?.names.indexOf(name) ?? -1;
    return packed >= 0 ? this.pack!.stepCount(packed) : (this.state.get(name)?.step ?? 0);
  }

  /** Copies hyper-parameters and moments; the caller disposes it with `disposeSnapshot`. */
  snapshot(): OptimizerSnapshot {
    const state = new Map<string, ParamState>();
    for (const [k, s] of this.state) state.set(k, { gradAvg: tf.clone(s.gradAvg), sqrAvg: tf.clone(s.sqrAvg), step: s.step });
    return { hypers: this.hypers.map((h) => ({ ...h })), state, pack: this.pack?.clone() };
  }

  /** Puts back a snapshot exactly (moments, step counts and hyper-parameters); the snapshot stays valid. */
  restore(snap: OptimizerSnapshot): void {
    this.clearState();
    for (const [k, s] of snap.state) this.state.set(k, { gradAvg: tf.clone(s.gradAvg), sqrAvg: tf.clone(s.sqrAvg), step: s.step });
    this.pack = snap.pack?.clone();
    snap.hypers.forEach((h, i) => Object.assign(this.hypers[i], h));
  }

  /**
   * The moments of every parameter as plain numbers, in parameter order (group by group, as the
   * model lists them): what a reloaded page needs to continue a fit exactly. Variable names are
   * not used because a model loaded again in another worker may number them differently.
   */
  exportMoments(): ParamMoments[] {
    const packed = this.pack?.readMoments() ?? [];
    return [...this.params.values()].map((p) => {
      const at = this.pack?.names.indexOf(p.variable.name) ?? -1;
      if (at >= 0) return { shape: [...p.variable.shape], ...packed[at] };
      const s = this.state.get(p.variable.name);
      const size = p.variable.size;
      return {
        shape: [...p.variable.shape],
        step: s?.step ?? 0,
        gradAvg: s ? (s.gradAvg.dataSync() as Float32Array).slice() : new Float32Array(size),
        sqrAvg: s ? (s.sqrAvg.dataSync() as Float32Array).slice() : new Float32Array(size),
      };
    });
  }

  /**
   * Puts back moments from `exportMoments` of the same architecture.
   * @throws Error when the parameter count or a shape differs (another model)
   */
  importMoments(moments: readonly ParamMoments[]): void {
    const params = [...this.params.values()];
    if (moments.length !== params.length) throw new Error(`the saved optimizer has ${moments.length} parameters, the model ${params.length}`);
    params.forEach((p, i) => {
      if (moments[i].shape.join('x') !== p.variable.shape.join('x')) throw new Error(`parameter ${i} is ${p.variable.shape.join('x')}, the saved moments ${moments[i].shape.join('x')}`);
    });
    this.clearState();
    params.forEach((p, i) => {
      const m = moments[i];
      if (m.step > 0) this.state.set(p.variable.name, { gradAvg: tf.tensor(m.gradAvg, [...m.shape]), sqrAvg: tf.tensor(m.sqrAvg, [...m.shape]), step: m.step });
    });
  }

  /** Forgets moments and step counts, as a fresh optimizer would have. */
  clearState(): void {
    this.pack?.dispose();
    this.pack = undefined;
    for (const s of this.state.values()) tf.dispose([s.gradAvg, s.sqrAvg]);
    this.state = new Map();
  }

  /** Frees every tensor the optimizer holds. */
  dispose(): void {
    this.clearState();
  }
}

/** Frees the tensors of a snapshot. */
export function disposeSnapshot(snap: OptimizerSnapshot): void {
  for (const s of snap.state.values()) tf.dispose([s.gradAvg, s.sqrAvg]);
  snap.pack?.dispose();
}
