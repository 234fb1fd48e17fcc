/**
 * What the page is shown of the text block and the text models, as plain data: the summary
 * (counts, vocabulary, unknown-word rate, problems), show_batch rows (tokens with labels, and the
 * language model's input beside its target), the learner's groups, and the results (confusion
 * matrix, top losses with their texts). The worker sends these; no tensor crosses.
 */
import { confusionMatrix } from '../interpret/confusion';
import { bestThreshold, perTagStats, thresholdSweep, type SweepPoint, type TagStats } from '../interpret/multiLabel';
import { topLosses } from '../interpret/topLosses';
import type { Problem } from '../data/types';
import { lmBatchArrays } from './loaders';
import type { Param } from '../train/optimizer';
import type { TextData } from './textData';

/** Tokens shown per text in show_batch (fastai shows a text cut to a line of the table). */
export const SHOWN_TOKENS = 40;

/** The text block's summary and show_batch, as the page shows them. */
export interface TextDataInfo {
  /** `multi` when each text has a set of tags. */
  readonly task: 'single' | 'multi';
  readonly classes: readonly string[];
  /** Per class (per tag when multi-label): training and validation texts that have it. */
  readonly counts: readonly { readonly name: string; readonly train: number; readonly valid: number }[];
  readonly train: number;
  readonly valid: number;
  readonly unsup: number;
  readonly vocabSize: number;
  readonly tokens: number;
  /** Share of `xxunk` among the training and the validation tokens. */
  readonly unkTrain: number;
  readonly unkValid: number;
  readonly problems: readonly Problem[];
  /** Classifier batch: the first tokens of some training texts and their labels (tags joined by `;`, fastai's show_batch). */
  readonly batch: readonly { readonly tokens: readonly string[]; readonly label: string; readonly length: number }[];
  /** Language-model batch: each row's input and its target, the same stream one token later. */
  readonly lmBatch: readonly { readonly input: readonly string[]; readonly target: readonly string[] }[];
}

/**
 * The summary and show_batch of a text block; `draw` picks another batch.
 * @example describeTextData(data, 0).vocabSize
 */
export function describeTextData(data: TextData, draw = 0, rows = 8): TextDataInfo {
  const counts = data.classes.map((name, c) => ({ name, train: data.train.filter((t) => t.tags.includes(c)).length, valid: data.valid.filter((t) => t.tags.includes(c)).length }));
  const n = data.train.length;
  const pick = Array.from({ length: Math.min(rows, n) }, (_, i) => data.train[(i * 37 + draw * 101) % Math.max(n, 1)]);
  const batch = pick.map((t) => ({ tokens: t.tokens.slice(0, SHOWN_TOKENS), label: tagNames(data.classes, t.tags), length: t.tokens.length }));
  const seqLen = 20;
  const first = lmBatchArrays(
    [...data.train, ...data.unsup].map((t) => t.ids),
    draw,
    { bs: Math.min(rows, 4), seqLen },
  )[0];
  const lmBatch = first
    ? Array.from({ length: first.shape[0] }, (_, r) => ({
        input: Array.from(first.x.subarray(r * first.shape[1], (r + 1) * first.shape[1]), (id) => data.vocab.itos[id]),
        target: Array.from(first.y.subarray(r * first.shape[1], (r + 1) * first.shape[1]), (id) => data.vocab.itos[id]),
      }))
    : [];
  return {
    task: data.task,
    classes: data.classes,
    counts,
    train: data.train.length,
    valid: data.valid.length,
    unsup: data.unsup.length,
    vocabSize: data.vocab.itos.length,
    tokens: [...data.train, ...data.valid, ...data.unsup].reduce((s, t) => s + t.ids.length, 0),
    unkTrain: data.unkTrain,
    unkValid: data.unkValid,
    problems: data.problems,
    batch,
    lmBatch,
  };
}

/** A layer group's trainable scalars. */
export function groupParams(group: readonly Param[]): number {
  return group.reduce((s, p) => s + p.variable.shape.reduce((a, b) => a * b, 1), 0);
}

/** Class names of `ids` joined as fastai's show_batch joins tags; an empty string for none. */
export function tagNames(classes: readonly string[], ids: readonly number[]): string {
  return ids.map((c) => classes[c]).join(';');
}

/** One validation text the results show. */
export interface TextResultItem {
  readonly index: number;
  readonly text: string;
  /** The class; the tags joined by `;` (multi-label, empty for none). */
  readonly actual: string;
  readonly predicted: string;
  /** Probability of the predicted class, and of the actual one; multi-label: of the tag furthest from its answer, and the mean over the actual tags. */
  readonly prob: number;
  readonly actualProb: number;
  readonly loss: number;
}

/** The text classifier's results: fastai's `ClassificationInterpretation` as plain data. */
export interface TextSingleResults {
  readonly kind: 'single';
  readonly classes: readonly string[];
  readonly confusion: readonly (readonly number[])[];
  readonly accuracy: number;
  /** The highest losses first (`plot_top_losses`), with their texts. */
  readonly topLosses: readonly TextResultItem[];
  /** Wrong predictions the model was surest of. */
  readonly confidentMistakes: readonly TextResultItem[];
}

/** A multi-label text classifier's results: lesson 3's Planet interpretation (per-tag scores, the threshold sweep). */
export interface TextMultiResults {
  readonly kind: 'multi';
  readonly classes: readonly string[];
  /** Validation texts. */
  readonly count: number;
  /** The threshold of the metrics (0.2, as the image multi-label task's). */
  readonly thresh: number;
  /** accuracy_thresh and sample-averaged F2 at `thresh`. */
  readonly accuracy: number;
  readonly fbeta: number;
  readonly perTag: readonly TagStats[];
  readonly sweep: readonly SweepPoint[];
  readonly best: SweepPoint | null;
  readonly topLosses: readonly TextResultItem[];
  /** Texts with the most confident wrong tag (predicted surest, or missed surest). */
  readonly confidentMistakes: readonly TextResultItem[];
}

export type TextResultsInfo = TextSingleResults | TextMultiResults;

/**
 * Results from the validation predictions (`probs` row-major `[N, C]`, item order).
 * @example textResults(classes, probs, targets, losses, texts).confusion[0][0]
 */
export function textResults(classes: readonly string[], probs: ArrayLike<number>, targets: ArrayLike<number>, losses: ArrayLike<number>, texts: readonly string[], shown = 8): TextSingleResults {
  const c = classes.length;
  const preds = Int32Array.from({ length: targets.length }, (_, i) => {
    let best = 0;
    for (let k = 1; k < c; k++) if (probs[i * c + k] > probs[i * c + best]) best = k;
    return best;
  });
  const item = (index: number): TextResultItem => ({
    index,
    text: texts[index],
    actual: classes[targets[index]],
    predicted: classes[preds[index]],
    prob: probs[index * c + preds[index]],
    actualProb: probs[index * c + targets[index]],
    loss: losses[index],
  });
  const correct = preds.filter((p, i) => p === targets[i]).length;
  const mistakes = [...preds.keys()].filter((i) => preds[i] !== targets[i]).map(item);
  return {
    kind: 'single',
    classes,
    confusion: confusionMatrix(preds, targets, c),
    accuracy: targets.length ? correct / targets.length : NaN,
    topLosses: topLosses(losses, shown).map((l) => item(l.index)),
    confidentMistakes: mistakes.sort((a, b) => b.prob - a.prob || a.index - b.index).slice(0, shown),
  };
}

/**
 * Multi-label results from sigmoid outputs and multi-hot targets (both `[N, C]` row-major, item
 * order): the metrics at `thresh`, per-tag precision and recall, the threshold sweep, top losses.
 * @example textMultiResults(classes, probs, targets, losses, texts).best?.thresh
 */
export function textMultiResults(classes: readonly string[], probs: ArrayLike<number>, targets: ArrayLike<number>, losses: ArrayLike<number>, texts: readonly string[], thresh = 0.2, shown = 8): TextMultiResults {
  const c = classes.length;
  const n = losses.length;
  const sweep = thresholdSweep(probs, targets, c);
  const at = thresholdSweep(probs, targets, c, 2, [thresh])[0];
  const item = (index: number): TextResultItem => {
    const p = Array.from({ length: c }, (_, k) => probs[index * c + k]);
    const actual = p.map((_, k) => k).filter((k) => targets[index * c + k] > 0.5);
    // How far a tag's probability is from its answer: 1 - p for a tag the text has, p for one it has not.
    const worst = Math.max(...p.map((q, k) => (targets[index * c + k] > 0.5 ? 1 - q : q)));
    return {
      index,
      text: texts[index],
      actual: tagNames(classes, actual),
      predicted: tagNames(
        classes,
        p.map((_, k) => k).filter((k) => p[k] > Math.fround(thresh)),
      ),
      prob: worst,
      actualProb: actual.length ? actual.reduce((s, k) => s + p[k], 0) / actual.length : NaN,
      loss: losses[index],
    };
  };
  const items = Array.from({ length: n }, (_, i) => item(i));
  return {
    kind: 'multi',
    classes,
    count: n,
    thresh,
    accuracy: at.accuracyThresh,
    fbeta: at.fbeta,
    perTag: perTagStats(probs, targets, c, thresh),
    sweep,
    best: bestThreshold(sweep),
    topLosses: topLosses(losses, shown).map((l) => items[l.index]),
    confidentMistakes: items
      .filter((t) => t.actual !== t.predicted)
      .sort((a, b) => b.prob - a.prob || a.index - b.index)
      .slice(0, shown),
  };
}
