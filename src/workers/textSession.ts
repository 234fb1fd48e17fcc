import * as tf from '@tensorflow/tfjs';
import type { SourceFile } from '../core/data/types';
import { CLAS_DROPS, LM_DROPS, scaleDrops } from '../core/text/awdLstm';
import { decodeSpecTokens, generate } from '../core/text/generate';
import { classifierLoader, lmLoader, padBatch } from '../core/text/loaders';
import { LanguageModel, TextClassifier, type TextModel } from '../core/text/models';
import { loadPretrainedLm } from '../core/text/pretrainedLm';
import { PRETRAINED_LM_SIZES, pretrainedWordSet, type PretrainedLm } from '../core/text/pretrainedLmFile';
import { textBundle, textManifest } from '../core/project/textBundle';
import type { BundleFiles } from '../core/project/bundle';
import { TEXT_DEFAULTS, buildTextData, type TextData, type TextDataSpec } from '../core/text/textData';
import { TextLearner } from '../core/text/textLearner';
import { describeTextData, groupParams, textMultiResults, textResults, type TextDataInfo, type TextResultsInfo } from '../core/text/textView';
import { metricsForTask } from '../core/metrics/forTask';
import { bceWithLogitsFlat } from '../core/train/losses';
import { tokenize } from '../core/text/tokenize';
import { numericalize } from '../core/text/vocab';
import { ulmfitStages, type UlmfitRates } from '../core/text/ulmfit';
import type { Callback } from '../core/train/callback';
import type { Progress } from '../core/train/learner';
import type { LrSpec } from '../core/train/schedules';
import { loadPretrainedLmFromUrl } from '../io/textLm';
import { ProgressThrottle } from './progressThrottle';
import type { FitInfo, LearnerInfo, LrFindInfo, TextLearnerKind, TextPredictInfo, WorkerEvent } from './protocol';
import { where, type OneAtATime } from './sessionParts';

/** Sizes for a browser on wasm, a tenth of fastai's AWD-LSTM (400/1152/3): the shipped language model's. */
const SIZES = PRETRAINED_LM_SIZES;
const LM_BATCH = { bs: 32, seqLen: 40 } as const;
/** The classifier reads each text's first tokens (fastai reads up to 1,440; a browser cannot). */
const CLAS_MAX_LEN = 80;
/** A tag is predicted above this probability until the person picks another: the multi-label metrics' threshold (lesson 3's Planet). */
const MULTI_THRESH = 0.2;

/**
 * The worker's text task: it owns the tokenized texts, the language model and the classifier;
 * the page gets plain summaries. ULMFiT's route: fine-tune the language model, then a
 * classifier on its encoder, unfrozen gradually. Commands take turns with the image session's.
 */
export class TextSession {
  private data: TextData | null = null;
  private lm: LanguageModel | null = null;
  private clas: TextClassifier | null = null;
  private learner: TextLearner | null = null;
  private kind: TextLearnerKind | null = null;
  private frozenTo = 0;
  private spec: TextDataSpec | null = null;
  /** Where the language model started: the shipped model (and how many words it knew) or random weights. */
  private lmStart: string | null = null;
  private pretrained: { url: string; lm: Promise<PretrainedLm> } | null = null;
  /** Multi-label: the threshold of Predict, the export and the results (the epoch table's metrics stay at 0.2). */
  private thresh = MULTI_THRESH;

  constructor(
    private readonly turns: OneAtATime,
    private readonly post: (e: WorkerEvent) => void,
    private readonly loadLm: (url: string) => Promise<PretrainedLm> = loadPretrainedLmFromUrl,
    /** Seeds the models' weights, dropout and shuffling: the trials compare routes over several. */
    private readonly seed = 1,
  ) {}

  /** True while the data is text: the shared commands (LR finder, fit, results) come here. */
  get active(): boolean {
    return this.data !== null;
  }

  /**
   * Tokenizes and numericalises the texts; the learners of earlier text are dropped. With `lmUrl`,
   * a word the pretrained model there knows enters the vocabulary from one occurrence (see
   * `VocabOptions.pretrainedWords`).
   */
  setData(spec: TextDataSpec, files: readonly SourceFile[], draw = 0, lmUrl?: string): Promise<TextDataInfo> {
    return this.turns.run('data block build', async () => {
      const data = await buildTextData(files, spec, lmUrl ? await this.pretrainedWords(lmUrl) : undefined);
      this.clear();
      if (!data.problems.some((p) => p.blocking)) {
        this.data = data;
        this.spec = spec;
      }
      return describeTextData(data, draw);
    });
  }

  /** Another show_batch of the same block. */
  redraw(draw: number): TextDataInfo {
    return describeTextData(this.requireData(), draw);
  }

  /** Forgets the text (image data was loaded). */
  clear(): void {
    this.learner?.dispose();
    this.lm?.dispose();
    this.clas?.dispose();
    this.data = this.lm = this.clas = this.learner = this.kind = this.lmStart = null;
    this.thresh = MULTI_THRESH;
  }

  /**
   * `lm`: the AWD-LSTM language model on every text (labelled or not); `classifier`: a classifier
   * from scratch; `classifierFromLm`: a classifier on the language model's encoder, frozen but
   * its head (ULMFiT). The language model is kept for the last. With `lmUrl`, the language model
   * starts from the pretrained one there (fastai's `pretrained=True`), its embedding matched to
   * this vocabulary; without it, from random weights.
   */
  buildLearner(kind: TextLearnerKind, lmUrl?: string): Promise<LearnerInfo> {
    return this.turns.run('learner build', async () => {
      const data = this.requireData();
      if (kind === 'classifierFromLm' && !this.lm) throw new Error('Train the language model first: build "AWD-LSTM language model first (ULMFiT)" and fit it');
      this.learner?.dispose();
      this.clas?.dispose();
      this.learner = this.clas = null;
      const vocabSize = data.vocab.itos.length;
      if (kind === 'lm') {
        const lm = new LanguageModel({ vocabSize, ...SIZES, seed: this.seed, drops: scaleDrops(LM_DROPS, 0.3) });
        try {
          this.lmStart = lmUrl ? await this.startFromPretrained(lm, lmUrl, data) : 'random weights';
        } catch (e) {
          lm.dispose();
          throw e;
        }
        this.lm?.dispose();
        this.lm = lm;
        const ids = (items: TextData['train']) => items.map((t) => t.ids);
        this.learner = new TextLearner(
          lm,
          { train: lmLoader([...ids(data.train), ...ids(data.unsup)], { ...LM_BATCH, shuffle: true, seed: this.seed }), valid: lmLoader(ids(data.valid), LM_BATCH) },
          { isLm: true, clip: 0.1 },
        );
        // Pretrained, it starts frozen as fastai's `language_model_learner` does: the first fit
        // trains the embedding and decoder (this vocabulary's new words) before the LSTMs move.
        this.frozenTo = lmUrl ? -1 : 0;
        this.learner.freezeTo(this.frozenTo);
      } else {
        this.clas = new TextClassifier({ vocabSize, ...SIZES, numClasses: data.classes.length, padIdx: data.vocab.padIdx, seed: this.seed, drops: scaleDrops(CLAS_DROPS, 0.5) });
        if (kind === 'classifierFromLm') this.clas.encoder.copyFrom(this.lm!.encoder);
        const multi = data.task === 'multi';
        const opts = { padIdx: data.vocab.padIdx, maxLen: CLAS_MAX_LEN, ...(multi ? { numClasses: data.classes.length } : {}) };
        const targets = (items: TextData['train']) => items.map((t) => (multi ? t.tags : t.label));
        const train = classifierLoader(
          data.train.map((t) => t.ids),
          targets(data.train),
          { ...opts, bs: 32, shuffle: true, seed: this.seed },
        );
        const valid = classifierLoader(
          data.valid.map((t) => t.ids),
          targets(data.valid),
          { ...opts, bs: 64 },
        );
        // Tags: one sigmoid per tag and lesson 3's Planet metrics (accuracy_thresh and F2 at 0.2), as the image multi-label task.
        const ctx = { numClasses: data.classes.length, voidIndex: -1, height: 0, width: 0 };
        this.learner = new TextLearner(this.clas, { train, valid }, multi ? { loss: bceWithLogitsFlat(), metrics: metricsForTask('multi', ctx) } : {});
        this.frozenTo = kind === 'classifierFromLm' ? -1 : 0;
        this.learner.freezeTo(this.frozenTo);
      }
      this.kind = kind;
      return this.info();
    });
  }

  lrFind(numIt: number): Promise<LrFindInfo> {
    return this.turns.run('LR finder', async (signal) => {
      const learn = this.requireLearner();
      const throttle = new ProgressThrottle((e) => this.post(e));
      const onProgress = (p: Progress) => throttle.add(where(p), { lr: p.lr, loss: p.loss, smooth: p.smoothLoss });
      const r = await learn.lrFind({ numIt, signal, onProgress });
      throttle.add({ phase: 'lrFind', epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: numIt }, null, true);
      return { lrs: r.lrs, losses: r.losses, suggestions: r.suggestions, cancelled: r.cancelled };
    });
  }

  /** One-cycle at the current freezing (a `[lo, hi]` slice spreads over the layer groups). */
  fit(epochs: number, lr: LrSpec): Promise<FitInfo> {
    return this.turns.run('fit', (signal) => this.training(signal, (opts) => this.requireLearner().fitOneCycle(epochs, lr, opts)));
  }

  /**
   * Lesson 3's gradual unfreezing on the classifier, scaled by `lr` (2e-2 in the lesson):
   * freeze, freeze_to(-2), freeze_to(-3), unfreeze, each one-cycle, the later stages' rates
   * following `rates` (lesson 3's discriminative slices, or one rate a stage for small data).
   */
  ulmfit(lr: number, lastEpochs: number, rates: UlmfitRates): Promise<FitInfo & { learner: LearnerInfo }> {
    return this.turns.run('ULMFiT fine-tuning', async (signal) => {
      const learn = this.requireLearner();
      if (this.kind === 'lm') throw new Error("Gradual unfreezing is for the classifier: build the classifier on the language model's encoder first");
      let epochBase = 0;
      const info = await this.training(
        signal,
        async (opts) => {
          for (const s of ulmfitStages(lr, lastEpochs, rates)) {
            this.frozenTo = s.freezeTo;
            learn.freezeTo(s.freezeTo);
            const r = await learn.fitOneCycle(s.epochs, s.lr, { ...opts, callbacks: [this.epochPoster(learn, epochBase)] });
            epochBase += s.epochs;
            if (r.cancelled) return r;
          }
          return { cancelled: false };
        },
        true,
      );
      return { ...info, learner: this.info() };
    });
  }

  freeze(frozen: boolean): LearnerInfo {
    this.turns.refuse(frozen ? 'freeze' : 'unfreeze');
    const learn = this.requireLearner();
    // A language model freezes to its last group, the embedding and decoder: fastai's first epoch
    // on a pretrained model trains the new words' rows before the LSTMs move.
    this.frozenTo = frozen ? -1 : 0;
    learn.freezeTo(this.frozenTo);
    return this.info();
  }

  /**
   * The classifier's confusion matrix and top losses over the validation texts; multi-label, the
   * per-tag scores and the sweep at `thresh`, which Predict and the export then use too.
   */
  async results(thresh?: number): Promise<TextResultsInfo> {
    const learn = this.requireLearner();
    const data = this.requireData();
    if (this.kind === 'lm') throw new Error('The language model has no classes: its results are its perplexity and the text it generates (Predict)');
    if (thresh !== undefined) {
      if (!(thresh > 0 && thresh < 1)) throw new Error(`The threshold ${thresh} is not a probability between 0 and 1: pick one such as 0.3`);
      if (data.task !== 'multi') throw new Error('A threshold is for tags (multi-label); a single-label classifier predicts its most probable class');
      this.thresh = thresh;
    }
    const { probs, targets, losses } = await learn.getPreds();
    const [p, t] = await Promise.all([probs.data(), targets.data()]);
    tf.dispose([probs, targets]);
    const texts = data.valid.map((v) => v.text.slice(0, 600));
    return data.task === 'multi' ? textMultiResults(data.classes, p, t, losses, texts, this.thresh) : textResults(data.classes, p, t, losses, texts);
  }

  /** The classifier's probabilities for a typed text; for the language model, text generated from it as a prompt. */
  async predict(text: string, words = 30): Promise<TextPredictInfo> {
    const data = this.requireData();
    const tokens = tokenize(text);
    if (this.kind === 'lm' && this.lm) {
      const out = await generate(this.lm, data.vocab, text, { words, temperature: 0.75, seed: 1 });
      return { kind: 'generated', tokens, generated: decodeSpecTokens(out).join(' ') };
    }
    const learn = this.requireLearner();
    const ids = numericalize(data.vocab, tokens).slice(0, CLAS_MAX_LEN);
    const { x, width } = padBatch([ids], data.vocab.padIdx, true);
    const probs = tf.tidy(() => learn.loss.activation(learn.model.forward(tf.tensor2d(x, [1, width], 'int32'), false).logits));
    const values = Array.from(await probs.data());
    probs.dispose();
    if (data.task === 'multi') {
      const tags = data.classes.filter((_, k) => values[k] > Math.fround(this.thresh));
      return { kind: 'tags', tokens, classes: data.classes, probs: values, thresh: this.thresh, predicted: tags };
    }
    const best = values.indexOf(Math.max(...values));
    return { kind: 'classes', tokens, classes: data.classes, probs: values, predicted: data.classes[best] };
  }

  /**
   * The classifier's export bundle: model.json + weights.bin (a plain tf.LayersModel), studio.json
   * (classes, vocabulary, tokenizer, maximum length) and a README with a plain-tfjs snippet.
   */
  exportBundle(): Promise<BundleFiles> {
    return this.turns.run('export', async () => {
      const data = this.requireData();
      const learn = this.requireLearner();
      if (this.kind === 'lm' || !this.clas) throw new Error('Export takes a classifier: the language model alone is not exported. Build the classifier (from scratch or on the language model) and train it');
      const spec = this.spec ?? TEXT_DEFAULTS;
      const route = this.kind === 'classifierFromLm' ? 'ULMFiT: the language model fine-tuned, then gradual unfreezing' : 'trained from scratch';
      const manifest = textManifest({
        clas: this.clas,
        task: data.task,
        thresh: this.thresh,
        classes: data.classes,
        vocab: data.vocab,
        maxLen: CLAS_MAX_LEN,
        minFreq: spec.minFreq,
        maxVocab: spec.maxVocab,
        route,
        hidden: SIZES.hidden,
        history: learn.recorder.epochs,
      });
      return textBundle(this.clas, manifest);
    });
  }

  private async training(signal: AbortSignal, run: (opts: { signal: AbortSignal; onProgress: (p: Progress) => void; callbacks?: Callback[] }) => Promise<{ cancelled: boolean }>, ownPoster = false): Promise<FitInfo> {
    const learn = this.requireLearner();
    const throttle = new ProgressThrottle((e) => this.post(e));
    const onProgress = (p: Progress) => throttle.add(where(p), p.phase === 'train' ? { lr: p.lr, loss: p.loss, smooth: p.smoothLoss, stepMs: p.stepMs } : null, p.batch + 1 === p.batchesPerEpoch);
    try {
      const r = await run({ signal, onProgress, ...(ownPoster ? {} : { callbacks: [this.epochPoster(learn, 0)] }) });
      return { cancelled: r.cancelled, tensors: tf.memory().numTensors };
    } finally {
      throttle.flush();
    }
  }

  /** Posts fastai's table row of each epoch as the recorder writes it. */
  private epochPoster(learn: TextLearner, base: number): Callback {
    return {
      name: 'postEpoch',
      order: 60,
      afterEpoch: () => {
        const row = learn.recorder.epochs.at(-1);
        if (row) this.post({ type: 'epoch', ...row, epoch: row.epoch + base, metrics: { ...row.metrics } });
      },
    };
  }

  private info(): LearnerInfo {
    const learn = this.requireLearner();
    const model: TextModel = learn.model;
    const all = model.paramGroups();
    const from = this.frozenTo >= 0 ? this.frozenTo : all.length + this.frozenTo;
    const names = this.kind === 'lm' ? [...all.slice(0, -1).map((_, i) => `LSTM ${i + 1}`), 'embedding + tied decoder'] : [...all.slice(0, -1).map((_, i) => (i === 0 ? 'embedding' : `LSTM ${i}`)), 'concat-pool head'];
    const groups = all.map((g, i) => ({ name: names[i], params: groupParams(g), frozen: i < from }));
    const arch = this.kind === 'lm' ? 'AWD-LSTM language model' : this.kind === 'classifierFromLm' ? "AWD-LSTM classifier on the language model's encoder" : 'AWD-LSTM classifier from scratch';
    const start = this.lmStart && this.kind !== 'classifier' ? `; language model ${this.lmStart}` : '';
    const body = `embedding ${SIZES.embSize}, ${SIZES.layers} LSTM layers of ${SIZES.hidden}, vocabulary ${this.requireData().vocab.itos.length}${start}`;
    return { task: this.kind === 'lm' ? 'single' : this.requireData().task, arch, groups, totalParams: model.variables().reduce((s, v) => s + v.size, 0), body };
  }

  /** The pretrained model at `url`, loaded once (a failed load is tried again next time). */
  private async pretrainedAt(url: string): Promise<PretrainedLm> {
    if (this.pretrained?.url !== url) this.pretrained = { url, lm: this.loadLm(url) };
    try {
      return await this.pretrained.lm;
    } catch (e) {
      this.pretrained = null;
      throw e;
    }
  }

  /**
   * Every word the pretrained model has a row for. Undefined when it cannot be loaded: the data
   * block does not need it (the usual minimum frequency then applies), and building the language
   * model from it reports the failure.
   */
  private async pretrainedWords(url: string): Promise<ReadonlySet<string> | undefined> {
    try {
      return pretrainedWordSet((await this.pretrainedAt(url)).info);
    } catch {
      return undefined;
    }
  }

  /** Loads the pretrained model once per URL and copies it into `lm`; says what it did. */
  private async startFromPretrained(lm: LanguageModel, url: string, data: TextData): Promise<string> {
    const pre = await this.pretrainedAt(url);
    const { known, fromGlove } = loadPretrainedLm(lm, pre, data.vocab);
    const { info } = pre;
    return `pretrained on ${(info.trainTokens / 1e6).toFixed(1)}M tokens of general English (validation perplexity ${info.validPerplexity.toFixed(0)}); it knew ${known} of the ${data.vocab.itos.length} words of this vocabulary${fromGlove ? `, and ${fromGlove} more start from their GloVe vectors` : ''}`;
  }

  private requireData(): TextData {
    if (!this.data) throw new Error('Build the text data block first');
    return this.data;
  }

  private requireLearner(): TextLearner {
    if (!this.learner) throw new Error('Build the text learner first');
    return this.learner;
  }
}
