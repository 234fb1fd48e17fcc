/**
 * ULMFiT against its baselines on a text sample, through the worker's own `TextSession` (wasm):
 * bag-of-words logistic regression and the most frequent class on the same split, the classifier
 * from scratch, and the classifier on a fine-tuned language model that starts from the shipped
 * pretrained one (`ulmfit`) or from random weights (`ulmfit-random`). The learning test uses it;
 * by hand it prints one JSON line per route:
 *   npx tsx src/workers/testing/textRoutes.ts [--sample spam_tiny] [--routes scratch,ulmfit,ulmfit-unfrozen] [--lm-epochs 2] [--last 1] [--lr 2e-2] [--rates small|lesson] [--labels 20] [--seeds 1,2,3]
 * `--labels N` keeps N labelled texts per class and makes the rest of the training texts
 * unlabelled (ULMFiT's own setting: few labels, many texts for the language model).
 */
import { bagOfWordsAccuracy } from '../../core/text/bagOfWords';
import { mostFrequentAccuracy } from '../../core/text/metrics';
import { pretrainedWordSet, type PretrainedLm } from '../../core/text/pretrainedLmFile';
import { TEXT_DEFAULTS, buildTextData, type TextDataSpec } from '../../core/text/textData';
import { readFolder } from '../../io/node/nodeFiles';
import { readPretrainedLm } from '../../io/node/textLm';
import type { SourceFile } from '../../core/data/types';
import { ULMFIT_DEFAULTS, ULMFIT_RATES, type UlmfitRates, type UlmfitRatesName } from '../../core/text/ulmfit';
import type { EpochEvent, WorkerEvent } from '../protocol';
import { OneAtATime } from '../sessionParts';
import { TextSession } from '../textSession';

/**
 * `ulmfit-unfrozen` fine-tunes the language model as `ulmfit` does, then trains the classifier on
 * its encoder unfrozen, one-cycle at `scratchLr` for as many epochs as the others (fastai's
 * `fit_one_cycle` after `unfreeze()`, in place of the lesson's gradual unfreezing).
 */
export type TextRoute = 'scratch' | 'ulmfit' | 'ulmfit-unfrozen' | 'ulmfit-random';

/** How each route trains; the classifier gets `3 + last` epochs either way (ULMFiT's 4 stages). */
export interface RouteOptions {
  readonly lmEpochs: number;
  readonly last: number;
  readonly lr: number;
  readonly scratchLr: number;
  /** The gradual unfreezing's rates (`ulmfit`, `ulmfit-random`): the studio's default unless given. */
  readonly rates?: UlmfitRates;
  /** Labelled training texts kept per class (`fewerLabels`); all when absent. */
  readonly labelsPerClass?: number;
  /** The session's seed (weights, dropout, shuffling). */
  readonly seed?: number;
}

export const ROUTE_DEFAULTS: RouteOptions = { lmEpochs: 2, last: 1, lr: 2e-2, scratchLr: 1e-2 };

/**
 * An IMDB-like folder with `perClass` labelled texts per `train/<class>/` folder, picked evenly
 * through each folder's sorted files (so a class keeps its mix of sources); the other training
 * texts move to `unsup/`, where only the language model reads them. Validation is untouched.
 */
export function fewerLabels(files: readonly SourceFile[], perClass: number): SourceFile[] {
  const byClass = new Map<string, SourceFile[]>();
  for (const f of files) {
    const m = /^train\/([^/]+)\//.exec(f.path);
    if (!m) continue;
    const group = byClass.get(m[1]) ?? [];
    group.push(f);
    byClass.set(m[1], group);
  }
  const kept = new Set<SourceFile>();
  for (const group of byClass.values()) {
    const n = Math.min(perClass, group.length);
    for (let i = 0; i < n; i++) kept.add(group[Math.floor((i * group.length) / n)]);
  }
  return files.map((f) => (!f.path.startsWith('train/') || kept.has(f) ? f : { ...f, path: `unsup/${f.path.replaceAll('/', '_')}` }));
}

/** The sample's files, with fewer labels when asked. */
function sampleFiles(sample: string, labelsPerClass?: number): SourceFile[] {
  const files = readFolder(`public/samples/${sample}`);
  return labelsPerClass === undefined ? files : fewerLabels(files, labelsPerClass);
}

/** The trivial and bag-of-words baselines on the sample's split. */
export async function textBaselines(sample: string, labelsPerClass?: number): Promise<{ mostFrequent: number; bow: number; train: number; valid: number; vocab: number }> {
  // The vocabulary the session builds (the shipped model's words from one occurrence), so bag-of-words sees the same words.
  const data = await buildTextData(sampleFiles(sample, labelsPerClass), { source: { kind: 'folder' }, ...TEXT_DEFAULTS }, pretrainedWordSet(readPretrainedLm().info));
  const ids = (items: typeof data.train) => items.map((t) => t.ids);
  const labels = (items: typeof data.train) => items.map((t) => t.label);
  return {
    mostFrequent: mostFrequentAccuracy(labels(data.train), labels(data.valid)),
    bow: bagOfWordsAccuracy(ids(data.train), labels(data.train), ids(data.valid), labels(data.valid), data.vocab.itos.length, data.classes.length),
    train: data.train.length,
    valid: data.valid.length,
    vocab: data.vocab.itos.length,
  };
}

/** One route from data to the classifier's last epoch; every epoch's accuracy and the language model's perplexities. */
export async function runTextRoute(sample: string, route: TextRoute, opts: RouteOptions = ROUTE_DEFAULTS, pretrained?: PretrainedLm) {
  const epochs: EpochEvent[] = [];
  const s = new TextSession(
    new OneAtATime(),
    (e: WorkerEvent) => void (e.type === 'epoch' && epochs.push(e)),
    async () => pretrained ?? readPretrainedLm(),
    opts.seed,
  );
  const spec: TextDataSpec = { source: { kind: 'folder' }, ...TEXT_DEFAULTS };
  // Every route reads the same vocabulary, the one the studio builds next to the shipped model.
  await s.setData(spec, sampleFiles(sample, opts.labelsPerClass), 0, 'shipped');
  const started = performance.now();
  let lmPerplexity: number[] = [];
  let lmSummary = '';
  if (route === 'scratch') {
    await s.buildLearner('classifier');
    await s.fit(3 + opts.last, opts.scratchLr);
  } else {
    const pretrainedStart = route !== 'ulmfit-random';
    lmSummary = (await s.buildLearner('lm', pretrainedStart ? 'shipped' : undefined)).body ?? '';
    if (pretrainedStart) {
      // fastai's habit on a pretrained model: one frozen epoch, then unfrozen at a tenth of the rate.
      await s.fit(1, opts.lr);
      s.freeze(false);
      if (opts.lmEpochs > 1) await s.fit(opts.lmEpochs - 1, opts.lr / 10);
    } else await s.fit(opts.lmEpochs, opts.lr);
    lmPerplexity = epochs.splice(0).map((e) => e.metrics.perplexity);
    await s.buildLearner('classifierFromLm');
    if (route === 'ulmfit-unfrozen') {
      s.freeze(false);
      await s.fit(3 + opts.last, opts.scratchLr);
    } else await s.ulmfit(opts.lr, opts.last, opts.rates ?? ULMFIT_RATES[ULMFIT_DEFAULTS.rates]);
  }
  const out = { route, seed: opts.seed ?? 1, accuracy: epochs.at(-1)!.metrics.accuracy, perEpoch: epochs.map((e) => e.metrics.accuracy), lmPerplexity, lmSummary, minutes: (performance.now() - started) / 60000 };
  s.clear();
  return out;
}

/** `--rates NAME`: one of the learner cell's choices. */
function ratesNamed(name: string): UlmfitRates {
  if (!(name in ULMFIT_RATES)) throw new Error(`--rates ${name}: use one of ${Object.keys(ULMFIT_RATES).join(', ')}`);
  return ULMFIT_RATES[name as UlmfitRatesName];
}

async function main(): Promise<void> {
  const { loadWasmBackend } = await import('../../core/tf/testing/wasm');
  await loadWasmBackend();
  const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
  const sample = arg('sample', 'spam_tiny');
  const labels = arg('labels', '');
  const opts: RouteOptions = {
    lmEpochs: Number(arg('lm-epochs', '2')),
    last: Number(arg('last', '1')),
    lr: Number(arg('lr', '2e-2')),
    scratchLr: Number(arg('scratch-lr', '1e-2')),
    rates: ratesNamed(arg('rates', ULMFIT_DEFAULTS.rates)),
    ...(labels ? { labelsPerClass: Number(labels) } : {}),
  };
  console.log(JSON.stringify({ sample, ...opts, ...(await textBaselines(sample, opts.labelsPerClass)) }));
  for (const seed of arg('seeds', '1').split(',').map(Number))
    for (const route of arg('routes', 'scratch,ulmfit').split(',') as TextRoute[]) console.log(JSON.stringify(await runTextRoute(sample, route, { ...opts, seed })));
}

if (process.argv[1]?.endsWith('textRoutes.ts')) void main();
