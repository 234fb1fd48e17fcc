/**
 * fastai's AWD-LSTM encoder (text/models/awdlstm.py, Merity et al. 2017) sized for a browser:
 * an embedding, a few LSTM layers (the last one back to the embedding size so the language
 * model's decoder can share the embedding), and the dropouts that matter:
 * - embedding dropout: whole words dropped from the embedding matrix (`embedP`);
 * - input dropout: the same embedding units dropped at every time step (`inputP`);
 * - weight dropout: DropConnect on each hidden-to-hidden matrix, one mask per batch (`weightP`);
 * - hidden dropout: the same units dropped at every step between layers (`hiddenP`);
 * - output dropout: before the decoder or the classifier's pooling (`outputP`, in `models.ts`).
 * Plain tf ops on `tf.Variable`s: the layers API has no hook for weight dropout.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../data/random';
import type { Param } from '../train/optimizer';
import { SeedStream, dropoutMask, embeddingLookup, maybeDrop } from './embedding';
import { makeLstmWeights, runLstm, zeroState, type LstmState, type LstmWeights } from './lstm';

/** The dropout probabilities of an AWD-LSTM. */
export interface AwdDrops {
  readonly embedP: number;
  readonly inputP: number;
  readonly weightP: number;
  readonly hiddenP: number;
  readonly outputP: number;
}

/** fastai's `awd_lstm_lm_config` dropouts. */
export const LM_DROPS: AwdDrops = { embedP: 0.02, inputP: 0.25, weightP: 0.2, hiddenP: 0.15, outputP: 0.1 };
/** fastai's `awd_lstm_clas_config` dropouts. */
export const CLAS_DROPS: AwdDrops = { embedP: 0.05, inputP: 0.4, weightP: 0.5, hiddenP: 0.3, outputP: 0.4 };

/** Multiplies every dropout by `mult` (fastai's `drop_mult`), capped below 1. */
export function scaleDrops(d: AwdDrops, mult: number): AwdDrops {
  const s = (p: number) => Math.min(0.95, p * mult);
  return { embedP: s(d.embedP), inputP: s(d.inputP), weightP: s(d.weightP), hiddenP: s(d.hiddenP), outputP: s(d.outputP) };
}

/** Sizes of an encoder. fastai's are 400/1152/3; the browser's defaults are a tenth of that work. */
export interface AwdLstmConfig {
  readonly vocabSize: number;
  /** Embedding size, also the last LSTM layer's size (tied weights need them equal). */
  readonly embSize?: number;
  readonly hidden?: number;
  readonly layers?: number;
  readonly seed?: number;
}

/** The browser defaults: embedding 64, hidden 192, 3 layers. */
export const AWD_DEFAULTS = { embSize: 64, hidden: 192, layers: 3 } as const;

/** What the encoder hands its head: the last layer's output and every layer's final state. */
export interface EncoderOutput {
  /** `[B, T, E]` last-layer output, before any output dropout. */
  readonly out: tf.Tensor3D;
  readonly states: LstmState[];
}

let encoderCount = 0;

/** RNNDropout on per-step `[B, F]` tensors: one mask per sequence, the same at every step. */
function dropSteps(xs: tf.Tensor2D[], p: number, training: boolean, seeds: SeedStream): tf.Tensor2D[] {
  if (!training || p <= 0) return xs;
  const mask = dropoutMask([...xs[0].shape], p, seeds.next());
  return xs.map((x) => x.mul(mask));
}

/** The AWD-LSTM encoder. Its variables belong to it: `dispose` frees them. */
export class AwdLstmEncoder {
  readonly embedding: tf.Variable;
  readonly lstms: readonly LstmWeights[];
  readonly embSize: number;
  readonly vocabSize: number;
  /** A unique prefix of this encoder's variable names (tfjs wants every name unique). */
  readonly name: string;

  constructor(config: AwdLstmConfig) {
    const { embSize = AWD_DEFAULTS.embSize, hidden = AWD_DEFAULTS.hidden, layers = AWD_DEFAULTS.layers, seed = 0 } = config;
    if (layers < 1) throw new Error('an AWD-LSTM needs at least one layer');
    this.name = `awd_lstm_${encoderCount++}`;
    this.embSize = embSize;
    this.vocabSize = config.vocabSize;
    const rand = makeRng(seed);
    // fastai: encoder.weight.data.uniform_(-0.1, 0.1).
    const emb = Float32Array.from({ length: config.vocabSize * embSize }, () => (2 * rand() - 1) * 0.1);
    this.embedding = tf.variable(tf.tensor2d(emb, [config.vocabSize, embSize]), true, `${this.name}/embedding`);
    this.lstms = Array.from({ length: layers }, (_, l) => makeLstmWeights(l === 0 ? embSize : hidden, l === layers - 1 ? embSize : hidden, `${this.name}/lstm_${l}`, rand));
  }

  /**
   * Runs the encoder over int32 `[B, T]` ids. `states` (one per layer) continue the previous
   * batch's streams (language model); without them every row starts from zeros (classifier).
   * The returned states are new tensors the caller keeps or disposes.
   */
  forward(ids: tf.Tensor2D, opts: { training: boolean; drops: AwdDrops; seeds: SeedStream; states?: readonly LstmState[] }): EncoderOutput {
    const { training, drops, seeds } = opts;
    const [batch, steps] = ids.shape;
    // Time-major rows (step t of sequence b at t * B + b), then one tensor per step (see `runLstm`).
    const idsT = ids.transpose().reshape([-1]);
    // Embedding dropout: a word's whole row is dropped (scaled by 1/(1-p)) wherever it appears.
    const wordMask = training && drops.embedP > 0 ? tf.gather(maybeDrop(tf.ones([this.vocabSize]), drops.embedP, true, [this.vocabSize], seeds), idsT) : null;
    let emb = embeddingLookup(this.embedding as tf.Tensor2D, idsT) as tf.Tensor2D;
    if (wordMask) emb = emb.mul(wordMask.expandDims(1));
    let xs = dropSteps(steps === 1 ? [emb] : tf.split(emb, steps, 0), drops.inputP, training, seeds);
    const states: LstmState[] = [];
    this.lstms.forEach((w, l) => {
      const recurrent = maybeDrop(w.recurrent, drops.weightP, training, [...w.recurrent.shape], seeds) as tf.Tensor2D;
      const r = runLstm(xs, w, recurrent, opts.states?.[l] ?? zeroState(batch, w.units));
      states.push(r.state);
      xs = l === this.lstms.length - 1 ? r.outs : dropSteps(r.outs, drops.hiddenP, training, seeds);
    });
    const joined = xs.length === 1 ? xs[0] : tf.concat(xs, 0);
    const out = joined.reshape([steps, batch, this.embSize]).transpose([1, 0, 2]) as tf.Tensor3D;
    return { out, states };
  }

  /**
   * Layer groups as fastai splits an AWD-LSTM for discriminative rates and `freeze_to`:
   * the embedding, then each LSTM layer.
   */
  paramGroups(): Param[][] {
    const p = (v: tf.Variable, doWd = true): Param => ({ variable: v, doWd, isBn: false });
    return [[p(this.embedding)], ...this.lstms.map((w) => [p(w.kernel), p(w.recurrent), p(w.bias, false)])];
  }

  /** Every variable, embedding first. */
  variables(): tf.Variable[] {
    return [this.embedding, ...this.lstms.flatMap((w) => [w.kernel, w.recurrent, w.bias])];
  }

  /**
   * Copies another encoder's weights into this one (fastai's `load_encoder`: the classifier
   * starts from the fine-tuned language model's encoder).
   * @throws Error when the shapes differ (another vocabulary or size)
   */
  copyFrom(other: AwdLstmEncoder): void {
    const mine = this.variables();
    const theirs = other.variables();
    if (mine.length !== theirs.length || mine.some((v, i) => v.shape.join('x') !== theirs[i].shape.join('x'))) {
      throw new Error('the encoders differ in vocabulary or size, so the weights cannot be copied');
    }
    mine.forEach((v, i) => v.assign(theirs[i]));
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}
