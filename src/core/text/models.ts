/**
 * The two models of ULMFiT on the AWD-LSTM encoder: the language model (fastai's
 * `get_language_model`: encoder + decoder tied to the embedding) and the classifier
 * (`get_text_classifier`: encoder + concat-pooling head).
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../data/random';
import type { Param } from '../train/optimizer';
import { AwdLstmEncoder, CLAS_DROPS, LM_DROPS, type AwdDrops, type AwdLstmConfig } from './awdLstm';
import { SeedStream, maybeDrop } from './embedding';
import { PoolingClassifierHead, concatPool } from './head';
import { matMul2d } from './matMul';
import type { LstmState } from './lstm';

/** Activation regularisation (AR, `alpha`) and temporal AR (TAR, `beta`); fastai's `RNNRegularizer` defaults 2 and 1. */
export interface RnnRegularizer {
  readonly alpha: number;
  readonly beta: number;
}

/** A model the `TextLearner` trains. */
export interface TextModel {
  readonly encoder: AwdLstmEncoder;
  /**
   * Logits from int32 `[B, T]` ids: `[B, T, V]` (language model) or `[B, classes]`. In training,
   * also the AR/TAR penalty to add to the loss (null when both weights are 0).
   */
  forward(ids: tf.Tensor2D, training: boolean): { logits: tf.Tensor; penalty: tf.Scalar | null };
  /** Layer groups, body first and head last (discriminative rates, `freezeTo`). */
  paramGroups(): Param[][];
  /** Every variable, non-trainable ones (batch-norm statistics) included: what a snapshot saves. */
  variables(): tf.Variable[];
  /** Forgets the state carried between batches (fastai's `ModelResetter`, at each epoch and validation). */
  reset(): void;
  dispose(): void;
}

/** AR on the dropped output and TAR on the raw one: alpha * mean(dropped^2) + beta * mean((h_t+1 - h_t)^2). */
function arTar(raw: tf.Tensor3D, dropped: tf.Tensor, reg: RnnRegularizer): tf.Scalar | null {
  if (reg.alpha === 0 && reg.beta === 0) return null;
  let penalty = tf.scalar(0);
  if (reg.alpha > 0) penalty = penalty.add(dropped.square().mean().mul(reg.alpha));
  const steps = raw.shape[1];
  if (reg.beta > 0 && steps > 1) {
    const diff = raw.slice([0, 1, 0], [-1, steps - 1, -1]).sub(raw.slice([0, 0, 0], [-1, steps - 1, -1]));
    penalty = penalty.add(diff.square().mean().mul(reg.beta));
  }
  return penalty;
}

/** Options shared by both models. */
export interface TextModelOptions extends AwdLstmConfig {
  readonly drops?: AwdDrops;
  readonly regularizer?: RnnRegularizer;
}

/**
 * The language model: encoder, output dropout, and a decoder whose weight is the embedding
 * (tied, Press & Wolf 2017) plus its own bias. The encoder's state carries from one batch to the
 * next, since row j of each batch continues row j of the last (`lmLoader`).
 * @example const lm = new LanguageModel({ vocabSize: vocab.itos.length });
 */
export class LanguageModel implements TextModel {
  readonly encoder: AwdLstmEncoder;
  readonly decoderBias: tf.Variable;
  private readonly drops: AwdDrops;
  private readonly reg: RnnRegularizer;
  private readonly seeds: SeedStream;
  private states: LstmState[] | null = null;
  /** The states this batch started from: its backward pass needs them, so they are freed at the next forward. */
  private stale: LstmState[] = [];

  constructor(opts: TextModelOptions) {
    this.encoder = new AwdLstmEncoder(opts);
    this.decoderBias = tf.variable(tf.zeros([opts.vocabSize]), true, `${this.encoder.name}/decoder_bias`);
    this.drops = opts.drops ?? LM_DROPS;
    this.reg = opts.regularizer ?? { alpha: 2, beta: 1 };
    this.seeds = new SeedStream((opts.seed ?? 0) + 1);
  }

  forward(ids: tf.Tensor2D, training: boolean): { logits: tf.Tensor; penalty: tf.Scalar | null } {
    this.freeStale();
    // A batch of another size starts new streams (the last validation batch, another loader).
    if (this.states && this.states[0].h.shape[0] !== ids.shape[0]) this.reset();
    const { out, states } = this.encoder.forward(ids, { training, drops: this.drops, seeds: this.seeds, states: this.states ?? undefined });
    // Kept past the step's tidy: the next batch continues from them (as constants, fastai's detach).
    for (const s of states) {
      tf.keep(s.h);
      tf.keep(s.c);
    }
    if (this.states) this.stale.push(...this.states);
    this.states = states;
    const [batch, steps, emb] = out.shape;
    const dropped = maybeDrop(out, this.drops.outputP, training, [batch, 1, emb], this.seeds);
    const flat = dropped.reshape([batch * steps, emb]) as tf.Tensor2D;
    // The tied decoder multiplies by the embedding's transpose: logits = h E^T + b.
    const logits = matMul2d(flat, tf.transpose(this.encoder.embedding as tf.Tensor2D))
      .add(this.decoderBias)
      .reshape([batch, steps, this.encoder.vocabSize]);
    return { logits, penalty: training ? arTar(out, dropped, this.reg) : null };
  }

  /** fastai's `awd_lstm_lm_split`: each LSTM layer, then embedding and decoder together. */
  paramGroups(): Param[][] {
    const [emb, ...lstms] = this.encoder.paramGroups();
    return [...lstms, [...emb, { variable: this.decoderBias, doWd: false, isBn: false }]];
  }

  variables(): tf.Variable[] {
    return [...this.encoder.variables(), this.decoderBias];
  }

  /** Frees the carried state at once: a reset never happens while a step's backward pass still needs it. */
  reset(): void {
    this.freeStale();
    for (const s of this.states ?? []) tf.dispose([s.h, s.c]);
    this.states = null;
  }

  private freeStale(): void {
    for (const s of this.stale) tf.dispose([s.h, s.c]);
    this.stale = [];
  }

  dispose(): void {
    this.reset();
    this.encoder.dispose();
    this.decoderBias.dispose();
  }
}

/** Options of the classifier. */
export interface TextClassifierOptions extends TextModelOptions {
  readonly numClasses: number;
  readonly padIdx?: number;
  /** Sizes of the hidden linear layers of the head (fastai's `lin_ftrs`, [50]). */
  readonly linFtrs?: readonly number[];
}

/**
 * The classifier: the encoder over the whole padded text (each row from a zero state), concat
 * pooling of its output, and the `PoolingLinearClassifier` head. Load a fine-tuned language
 * model's encoder with `encoder.copyFrom(lm.encoder)`.
 * @example const clas = new TextClassifier({ vocabSize: 4000, numClasses: 2 }); clas.encoder.copyFrom(lm.encoder);
 */
export class TextClassifier implements TextModel {
  readonly encoder: AwdLstmEncoder;
  readonly head: PoolingClassifierHead;
  private readonly drops: AwdDrops;
  private readonly reg: RnnRegularizer;
  private readonly seeds: SeedStream;
  private readonly padIdx: number;

  constructor(opts: TextClassifierOptions) {
    this.encoder = new AwdLstmEncoder(opts);
    this.drops = opts.drops ?? CLAS_DROPS;
    this.reg = opts.regularizer ?? { alpha: 2, beta: 1 };
    this.seeds = new SeedStream((opts.seed ?? 0) + 2);
    this.padIdx = opts.padIdx ?? 1;
    const dims = [3 * this.encoder.embSize, ...(opts.linFtrs ?? [50]), opts.numClasses];
    // fastai's ps: the output dropout for the first block, 0.1 for the others.
    const ps = dims.slice(0, -1).map((_, i) => (i === 0 ? this.drops.outputP : 0.1));
    this.head = new PoolingClassifierHead(dims, ps, `${this.encoder.name}/head`, makeRng((opts.seed ?? 0) + 3));
  }

  forward(ids: tf.Tensor2D, training: boolean): { logits: tf.Tensor; penalty: tf.Scalar | null } {
    const { out } = this.encoder.forward(ids, { training, drops: this.drops, seeds: this.seeds });
    const logits = this.head.apply(concatPool(out, ids, this.padIdx), training, this.seeds);
    return { logits, penalty: training ? arTar(out, out, this.reg) : null };
  }

  /** fastai's `awd_lstm_clas_split`: embedding, each LSTM layer, then the head. */
  paramGroups(): Param[][] {
    return [...this.encoder.paramGroups(), this.head.params()];
  }

  variables(): tf.Variable[] {
    return [...this.encoder.variables(), ...this.head.variables()];
  }

  reset(): void {}

  dispose(): void {
    this.encoder.dispose();
    tf.dispose(this.head.variables());
  }
}
