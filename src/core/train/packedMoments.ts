import * as tf from '@tensorflow/tfjs';

/**
 * AdamW's update for many parameters at once, on one flat vector. Stepping each parameter apart
 * costs about 14 kernels per parameter (467 per xresnet step, more than its forward pass); on a
 * GPU every kernel is a dispatch with its own fixed cost, whatever its size. Here the gradients
 * and weights are concatenated, the moments live flat, the arithmetic runs once over all of them
 * and one split writes the weights back: about 20 kernels plus one slice per parameter.
 * The values are those of the per-parameter update, operation for operation.
 */

/** The hyper-parameters the update reads, per parameter group (`AdamHypers`). */
export interface PackHypers {
  readonly lr: number;
  readonly mom: number;
  readonly sqrMom: number;
  readonly eps: number;
  readonly wd: number;
}

/** One parameter entering a pack, with the moments and step count it has so far. */
export interface PackEntry {
  readonly variable: tf.Variable;
  readonly doWd: boolean;
  readonly group: number;
  readonly step: number;
  readonly gradAvg?: tf.Tensor;
  readonly sqrAvg?: tf.Tensor;
}

/** A parameter's moments and step count taken back out of a pack. */
export interface UnpackedState {
  readonly gradAvg: tf.Tensor;
  readonly sqrAvg: tf.Tensor;
  readonly step: number;
}

/**
 * Elements that share group, weight decay and step count share every per-element factor of the
 * update; there are a handful of such classes (after `unfreeze()`, the body's weights start at
 * step 0 while the head and batch norm carry on), never one per element.
 */
interface ElementClass {
  readonly group: number;
  readonly doWd: boolean;
  readonly step: number;
  /** Elements in the class. */
  size: number;
}

/** fastai's `debias` with damp = 1 - mom. */
function debias(mom: number, step: number): number {
  return 1 - mom ** step;
}

/** A packed parameter: which variable, how it is decayed, and its step count when packed. */
type PackedParam = Omit<PackEntry, 'gradAvg' | 'sqrAvg'>;

/** The moments of a fixed list of parameters, stored flat, and the update over all of them. */
export class PackedMoments {
  /** The packed parameters' variable names, in element order (class by class). */
  readonly names: readonly string[];
  private readonly held: ReadonlySet<string>;

  private constructor(
    private readonly entries: readonly PackedParam[],
    /** In element order: each class is one run of elements. */
    private readonly classes: readonly ElementClass[],
    private gradAvg: tf.Tensor1D,
    private sqrAvg: tf.Tensor1D,
    /** Steps taken since packing. */
    private taken: number,
  ) {
    this.names = entries.map((e) => e.variable.name);
    this.held = new Set(this.names);
  }

  /** Whether a variable is in the pack. */
  holds(name: string): boolean {
    return this.held.has(name);
  }

  /** Packs the entries, taking their moments (the caller no longer owns them; missing ones start at zero). */
  static pack(unordered: readonly PackEntry[]): PackedMoments {
    const classes: ElementClass[] = [];
    const classOf = new Map<PackEntry, number>();
    for (const e of unordered) {
      let at = classes.findIndex((c) => c.group === e.group && c.doWd === e.doWd && c.step === e.step);
      if (at < 0) at = classes.push({ group: e.group, doWd: e.doWd, step: e.step, size: 0 }) - 1;
      classes[at].size += e.variable.size;
      classOf.set(e, at);
    }
    // Class by class, so that a per-class factor is a few runs of one value (fills), not a gather.
    const entries = [...unordered].sort((a, b) => classOf.get(a)! - classOf.get(b)!);
    // Kept: a caller's tidy around a step must not take the optimizer's state with it.
    const flat = (key: 'gradAvg' | 'sqrAvg') => tf.keep(tf.tidy(() => tf.concat(entries.map((e) => (e[key] ? e[key]!.reshape([-1]) : tf.zeros([e.variable.size])))) as tf.Tensor1D));
    const packed = new PackedMoments(
      entries.map(({ variable, doWd, group, step }) => ({ variable, doWd, group, step })),
      classes,
      flat('gradAvg'),
      flat('sqrAvg'),
      0,
    );
    tf.dispose(entries.flatMap((e) => [e.gradAvg, e.sqrAvg].filter((t): t is tf.Tensor => t !== undefined)));
    return packed;
  }

  /** A deep copy (the optimizer's snapshot), disposed apart. */
  clone(): PackedMoments {
    const copy = (t: tf.Tensor1D) => tf.keep(tf.clone(t));
    return new PackedMoments(this.entries, this.classes, copy(this.gradAvg), copy(this.sqrAvg), this.taken);
  }

  /** Each parameter's moments (in `names` order) as plain numbers, read back once. */
  readMoments(): { gradAvg: Float32Array; sqrAvg: Float32Array; step: number }[] {
    const gradAvg = this.gradAvg.dataSync() as Float32Array;
    const sqrAvg = this.sqrAvg.dataSync() as Float32Array;
    let at = 0;
    return this.entries.map((e, i) => {
      const range = [at, (at += e.variable.size)] as const;
      return { gradAvg: gradAvg.slice(...range), sqrAvg: sqrAvg.slice(...range), step: this.stepCount(i) };
    });
  }

  /** The step count of parameter `i` (in `names` order). */
  stepCount(i: number): number {
    return this.entries[i].step + this.taken;
  }

  /**
   * One AdamW step of every packed parameter (`grads` in `names` order):
   * p *= 1 - lr*wd; m = mom*m + (1-mom)*g; v = sqrMom*v + (1-sqrMom)*g^2;
   * p -= lr / (1 - mom^t) * m / (sqrt(v / (1 - sqrMom^t)) + eps).
   */
  step(grads: readonly tf.Tensor[], hypers: readonly PackHypers[]): void {
    this.taken += 1;
    const next = tf.tidy(() => {
      // A factor that is the same for every class stays a number (no kernel); otherwise a run of it per class.
      const perClass = (f: (h: PackHypers, c: ElementClass, step: number) => number): number | tf.Tensor => {
        const values = this.classes.map((c) => f(hypers[c.group], c, c.step + this.taken));
        return values.every((v) => v === values[0]) ? values[0] : tf.concat(this.classes.map((c, i) => tf.fill([c.size], values[i])));
      };
      const g = tf.concat(grads.map((t) => t.reshape([-1])));
      const p = tf.concat(this.entries.map((e) => e.variable.reshape([-1])));
      const gradAvg = this.gradAvg.mul(perClass((h) => h.mom)).add(g.mul(perClass((h) => 1 - h.mom))) as tf.Tensor1D;
      const sqrAvg = this.sqrAvg.mul(perClass((h) => h.sqrMom)).add(g.square().mul(perClass((h) => 1 - h.sqrMom))) as tf.Tensor1D;
      const decay = perClass((h, c) => (c.doWd && h.wd !== 0 ? 1 - h.lr * h.wd : 1));
      const decayed = decay === 1 ? p : p.mul(decay);
      const denom = sqrAvg
        .div(perClass((h, _c, t) => debias(h.sqrMom, t)))
        .sqrt()
        .add(perClass((h) => h.eps));
      const updated = decayed.sub(gradAvg.div(denom).mul(perClass((h, _c, t) => h.lr / debias(h.mom, t))));
      tf.split(
        updated,
        this.entries.map((e) => e.variable.size),
      ).forEach((part, i) => this.entries[i].variable.assign(part.reshape(this.entries[i].variable.shape)));
      return { gradAvg: tf.keep(gradAvg), sqrAvg: tf.keep(sqrAvg) };
    });
    tf.dispose([this.gradAvg, this.sqrAvg]);
    this.gradAvg = next.gradAvg;
    this.sqrAvg = next.sqrAvg;
  }

  /** Each parameter's moments (in `names` order) as tensors of its shape; the pack is disposed. */
  unpack(): UnpackedState[] {
    const sizes = this.entries.map((e) => e.variable.size);
    const split = (flat: tf.Tensor1D) => tf.tidy(() => tf.split(flat, sizes).map((part, i) => tf.keep(part.reshape(this.entries[i].variable.shape))));
    const gradAvg = split(this.gradAvg);
    const sqrAvg = split(this.sqrAvg);
    const out = this.entries.map((_, i) => ({ gradAvg: gradAvg[i], sqrAvg: sqrAvg[i], step: this.stepCount(i) }));
    this.dispose();
    return out;
  }

  /** Frees the flat moments. */
  dispose(): void {
    tf.dispose([this.gradAvg, this.sqrAvg]);
  }
}
