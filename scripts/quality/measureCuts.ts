/**
 * Which cut point and input scaling of the ImageNet MobileNetV2 body (`public/models/mobilenet_v2`,
 * nsfwjs's Keras model) transfers best to photos it never saw: Fashion-MNIST pictures written by
 * `fashionSets.ts`. For each cut x normalization x input size, the frozen body (inference mode)
 * gives features (global average pool ++ global max pool), and a linear classifier is trained on
 * them (standardized), like a "features only" transfer:
 * - `fashion3` (3 classes, single label): softmax cross-entropy, validation accuracy;
 * - `fashion_tags` (10 tags, multi-label): sigmoid BCE, validation F2 at threshold 0.2, averaged
 *   over pictures (fastai's `fbeta(thresh=0.2, beta=2, average='samples')`).
 * All cuts are read in one pass through the deepest body (they lie on one chain); the cost of a
 * body cut at each layer alone is timed separately on a slice of the pictures.
 * Usage: `npx tsx scripts/quality/measureCuts.ts [DATADIR] [--sizes 64,96] [--epochs 40] [--lr 0.002] [--l2 0.001]`
 * (DATADIR defaults to a folder under the OS temp dir; the sets are written there when missing).
 * Progress goes to stderr; a markdown table and JSON go to stdout.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs';
import { fileLoadHandler } from '../../src/io/node/modelFiles';
import type { BodyNormalization } from '../../src/core/model/bodyNormalization';
import { makeBody } from '../../src/core/model/pretrainedBody';
import { loadWasmBackend } from '../../src/core/tf/testing/wasm';
import type { Stats } from '../../src/core/data/types';
import { FASHION3_CLASSES, FASHION_TAGS, mulberry32, shuffledIndices, writeFashionSets } from './fashionSets';

export const CUTS = ['block_6_expand_relu', 'block_10_project_BN', 'block_11_expand_relu', 'block_13_expand_relu', 'block_16_project_BN', 'out_relu'] as const;
export const NORMALIZATIONS: readonly BodyNormalization[] = ['unit', 'minusOneOne'];
const MODEL_JSON = 'public/models/mobilenet_v2/model.json';
const DATA_STATS: Stats = { mean: [0, 0, 0], std: [1, 1, 1] };
const BATCH = 100;
const THRESHOLD = 0.2;

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** Pictures as pixel / 255 in [N, side, side, 3] (row-major floats) with their targets. */
interface Split {
  readonly pixels: Float32Array;
  readonly side: number;
  readonly n: number;
  /** [n, k] one-hot (single label) or multi-hot (tags). */
  readonly targets: Float32Array;
}
interface TaskData {
  readonly name: 'fashion3' | 'fashion_tags';
  readonly k: number;
  readonly multiLabel: boolean;
  readonly train: Split;
  readonly valid: Split;
}

function readPng(path: string): { data: Float32Array; side: number } {
  const png = PNG.sync.read(readFileSync(path));
  if (png.width !== png.height) throw new Error(`${path}: expected a square picture`);
  const data = new Float32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) for (let c = 0; c < 3; c++) data[3 * i + c] = png.data[4 * i + c] / 255;
  return { data, side: png.width };
}

function makeSplit(files: string[], targets: Float32Array): Split {
  const pics = files.map(readPng);
  const side = pics[0].side;
  const pixels = new Float32Array(pics.length * side * side * 3);
  pics.forEach((p, i) => pixels.set(p.data, i * side * side * 3));
  return { pixels, side, n: pics.length, targets };
}

function loadFashion3(dir: string): TaskData {
  const names = FASHION3_CLASSES.map(([n]) => n);
  const split = (s: string): Split => {
    const files: string[] = [];
    const labels: number[] = [];
    names.forEach((name, c) => {
      const folder = join(dir, s, name);
      const pngs = readdirSync(folder)
        .filter((f) => f.endsWith('.png'))
        .sort((a, b) => parseInt(a) - parseInt(b));
      for (const f of pngs) {
        files.push(join(folder, f));
        labels.push(c);
      }
    });
    const targets = new Float32Array(labels.length * names.length);
    labels.forEach((c, i) => (targets[i * names.length + c] = 1));
    return makeSplit(files, targets);
  };
  return { name: 'fashion3', k: names.length, multiLabel: false, train: split('train'), valid: split('valid') };
}

function loadTags(dir: string): TaskData {
  const rows = readFileSync(join(dir, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const k = FASHION_TAGS.length;
  const split = (valid: boolean): Split => {
    const mine = rows.filter((r) => (r[2] === 'true') === valid);
    const targets = new Float32Array(mine.length * k);
    mine.forEach((r, i) => {
      for (const tag of r[1].split(' ').filter(Boolean)) {
        const t = (FASHION_TAGS as readonly string[]).indexOf(tag);
        if (t < 0) throw new Error(`unknown tag ${tag}`);
        targets[i * k + t] = 1;
      }
    });
    return makeSplit(
      mine.map((r) => join(dir, 'train', `${r[0]}.png`)),
      targets,
    );
  };
  return { name: 'fashion_tags', k, multiLabel: true, train: split(false), valid: split(true) };
}

/** Pictures [from, to) of a split resized to `size` (bilinear, half-pixel centers). */
function resizedBatch(split: Split, from: number, to: number, size: number): tf.Tensor4D {
  const per = split.side * split.side * 3;
  return tf.tidy(() => {
    const x = tf.tensor4d(split.pixels.subarray(from * per, to * per), [to - from, split.side, split.side, 3]);
    return tf.image.resizeBilinear(x, [size, size], false, true);
  });
}

/** Global average pool ++ global max pool of a feature map [n, h, w, c] -> [n, 2c]. */
function poolFeatures(map: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.mean(map, [1, 2]), tf.max(map, [1, 2])], 1) as tf.Tensor2D);
}

/** Features of every cut for one split: cut -> [n, dim] row-major. */
async function extract(multi: tf.LayersModel, split: Split, size: number): Promise<Float32Array[]> {
  const parts: Float32Array[][] = CUTS.map(() => []);
  for (let from = 0; from < split.n; from += BATCH) {
    const to = Math.min(split.n, from + BATCH);
    const x = resizedBatch(split, from, to, size);
    const maps = multi.predict(x) as tf.Tensor[];
    const pooled = maps.map(poolFeatures);
    const values = await Promise.all(pooled.map((p) => p.data() as Promise<Float32Array>));
    values.forEach((v, c) => parts[c].push(v));
    tf.dispose([x, ...maps, ...pooled]);
  }
  return parts.map((ps) => {
    const out = new Float32Array(ps.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of ps) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
}

interface TrainOptions {
  readonly epochs: number;
  readonly lr: number;
  readonly batch: number;
  readonly seed: number;
  /** L2 penalty on the weights: loss + l2 * sum(w^2). */
  readonly l2: number;
}

/**
 * A linear classifier on standardized features (train mean / std), zeros-initialized, Adam with
 * seeded minibatches; returns the validation predictions (probabilities) [nValid, k].
 */
async function linearProbe(xTrain: Float32Array, xValid: Float32Array, dim: number, task: TaskData, opts: TrainOptions): Promise<Float32Array> {
  const nT = task.train.n;
  const nV = task.valid.n;
  const k = task.k;
  const [trainX, validX] = tf.tidy(() => {
    const tr = tf.tensor2d(xTrain, [nT, dim]);
    const va = tf.tensor2d(xValid, [nV, dim]);
    const { mean, variance } = tf.moments(tr, 0);
    const std = tf.sqrt(variance).add(1e-6);
    return [tr.sub(mean).div(std), va.sub(mean).div(std)];
  });
  const trainY = tf.tensor2d(task.train.targets, [nT, k]);
  // tidy keeps variables and frees the zeros they were made from.
  const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([dim, k])), tf.variable(tf.zeros([k]))]);
  const optimizer = tf.train.adam(opts.lr);
  const rand = mulberry32(opts.seed);
  const logits = (x: tf.Tensor): tf.Tensor2D => tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = shuffledIndices(nT, rand);
    for (let from = 0; from < nT; from += opts.batch) {
      const idx = tf.tensor1d(order.slice(from, from + opts.batch), 'int32');
      const cost = optimizer.minimize((): tf.Scalar => {
        const x = tf.gather(trainX, idx);
        const y = tf.gather(trainY, idx);
        const data: tf.Scalar = task.multiLabel ? (tf.losses.sigmoidCrossEntropy(y, logits(x)) as tf.Scalar) : (tf.losses.softmaxCrossEntropy(y, logits(x)) as tf.Scalar);
        return opts.l2 > 0 ? (tf.add(data, tf.mul(opts.l2, tf.sum(tf.square(w)))) as tf.Scalar) : data;
      }, false);
      cost?.dispose();
      idx.dispose();
    }
  }
  const probs = tf.tidy(() => (task.multiLabel ? tf.sigmoid(logits(validX)) : tf.softmax(logits(validX))));
  const out = Float32Array.from(await probs.data());
  tf.dispose([trainX, validX, trainY, w, b, probs]);
  optimizer.dispose();
  return out;
}

/** Share of pictures whose highest-probability class is the target. */
export function accuracy(probs: ArrayLike<number>, targets: ArrayLike<number>, k: number): number {
  const n = targets.length / k;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    if (targets[i * k + best] === 1) right++;
  }
  return right / n;
}

/**
 * F-beta averaged over pictures (sklearn's `average='samples'`, fastai's `fbeta`): per picture,
 * P and R over its tags at `thresh`, F = (1 + b^2) P R / (b^2 P + R), 0 when no true positive.
 */
export function fbetaSamples(probs: ArrayLike<number>, targets: ArrayLike<number>, k: number, thresh = THRESHOLD, beta = 2): number {
  const n = targets.length / k;
  const b2 = beta * beta;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let tp = 0;
    let pred = 0;
    let real = 0;
    for (let c = 0; c < k; c++) {
      const p = probs[i * k + c] > thresh;
      const t = targets[i * k + c] === 1;
      if (p) pred++;
      if (t) real++;
      if (p && t) tp++;
    }
    if (tp === 0) continue;
    const precision = tp / pred;
    const recall = tp / real;
    sum += ((1 + b2) * precision * recall) / (b2 * precision + recall);
  }
  return sum / n;
}

function score(task: TaskData, probs: Float32Array): number {
  return task.multiLabel ? fbetaSamples(probs, task.valid.targets, task.k) : accuracy(probs, task.valid.targets, task.k);
}

/** Trivial baselines: the training set's most frequent class for every picture; every tag for every picture. */
function baseline(task: TaskData): number {
  const { k } = task;
  if (task.multiLabel) return fbetaSamples(new Float32Array(task.valid.targets.length).fill(1), task.valid.targets, k);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < task.train.targets.length; i++) if (task.train.targets[i] === 1) counts[i % k]++;
  const top = counts.indexOf(Math.max(...counts));
  const probs = new Float32Array(task.valid.targets.length);
  for (let i = 0; i < task.valid.n; i++) probs[i * k + top] = 1;
  return accuracy(probs, task.valid.targets, k);
}

interface Row {
  cut: string;
  normalization: string;
  size: number;
  dim: number;
  fashion3Acc: number;
  tagsF2: number;
  /** ms per picture of a body cut at this layer alone (forward + pooling), at this size. */
  bodyMsPerImage: number;
  /** seconds to train + score both linear classifiers. */
  probeSeconds: number;
}

function parseArgs(argv: string[]): { dataDir: string; sizes: number[]; epochs: number; lr: number; l2: number } {
  const opt = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const flagValues = new Set(['--sizes', '--epochs', '--lr', '--l2'].map((f) => argv.indexOf(f) + 1).filter((i) => i > 0));
  const dataDir = argv.find((a, i) => !a.startsWith('--') && !flagValues.has(i)) ?? join(tmpdir(), 'fashion-quality');
  return {
    dataDir,
    sizes: (opt('sizes') ?? '64,96').split(',').map(Number),
    epochs: Number(opt('epochs') ?? 40),
    lr: Number(opt('lr') ?? 0.002),
    l2: Number(opt('l2') ?? 1e-3),
  };
}

/** ms per picture of the body cut at `cut` alone on `n` pictures at `size` (after one warm-up batch). */
async function timeBody(source: tf.LayersModel, cut: string, split: Split, size: number, n: number): Promise<number> {
  const body = await makeBody(source, { cut, normalization: 'unit', dataStats: DATA_STATS });
  const warm = resizedBatch(split, 0, 10, size);
  tf.tidy(() => body.predict(warm) as tf.Tensor);
  warm.dispose();
  const t0 = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const x = resizedBatch(split, from, Math.min(n, from + BATCH), size);
    const pooled = tf.tidy(() => poolFeatures(body.predict(x) as tf.Tensor));
    await pooled.data();
    tf.dispose([x, pooled]);
  }
  const ms = (performance.now() - t0) / n;
  body.dispose();
  return ms;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  if (!existsSync(join(args.dataDir, 'fashion3')) || !existsSync(join(args.dataDir, 'fashion_tags', 'labels.csv'))) {
    log(`writing the Fashion-MNIST sets under ${args.dataDir}`);
    writeFashionSets(args.dataDir);
  }
  const tasks = [loadFashion3(join(args.dataDir, 'fashion3')), loadTags(join(args.dataDir, 'fashion_tags'))];
  for (const t of tasks) log(`${t.name}: ${t.train.n} train + ${t.valid.n} valid, ${t.train.side} px, ${t.k} ${t.multiLabel ? 'tags' : 'classes'}`);
  await loadWasmBackend();
  const source = await tf.loadLayersModel(fileLoadHandler(MODEL_JSON));
  const trainOpts = { epochs: args.epochs, lr: args.lr, batch: 64, seed: 1, l2: args.l2 };

  const rows: Row[] = [];
  const passes: { normalization: string; size: number; seconds: number }[] = [];
  const bodyMs = new Map<string, number>();
  for (const size of args.sizes) {
    for (const cut of CUTS) {
      const ms = await timeBody(source, cut, tasks[0].train, size, 200);
      bodyMs.set(`${cut}@${size}`, ms);
      log(`timing: ${cut} alone at ${size} px: ${ms.toFixed(1)} ms/picture`);
    }
  }
  for (const normalization of NORMALIZATIONS) {
    const body = await makeBody(source, { cut: CUTS[CUTS.length - 1], normalization, dataStats: DATA_STATS });
    const multi = tf.model({ inputs: body.inputs, outputs: CUTS.map((c) => body.getLayer(c).output as tf.SymbolicTensor) });
    for (const size of args.sizes) {
      const t0 = performance.now();
      const feats = [];
      for (const task of tasks) feats.push({ train: await extract(multi, task.train, size), valid: await extract(multi, task.valid, size) });
      const seconds = (performance.now() - t0) / 1000;
      passes.push({ normalization, size, seconds });
      log(`features ${normalization} @ ${size} px (all cuts): ${seconds.toFixed(1)} s`);
      for (let c = 0; c < CUTS.length; c++) {
        const t1 = performance.now();
        const scores = [];
        let dim = 0;
        for (let t = 0; t < tasks.length; t++) {
          const task = tasks[t];
          dim = feats[t].train[c].length / task.train.n;
          const probs = await linearProbe(feats[t].train[c], feats[t].valid[c], dim, task, trainOpts);
          scores.push(score(task, probs));
        }
        const row: Row = {
          cut: CUTS[c],
          normalization,
          size,
          dim,
          fashion3Acc: scores[0],
          tagsF2: scores[1],
          bodyMsPerImage: bodyMs.get(`${CUTS[c]}@${size}`) ?? NaN,
          probeSeconds: (performance.now() - t1) / 1000,
        };
        rows.push(row);
        log(`  ${row.cut} ${normalization} ${size}: acc ${row.fashion3Acc.toFixed(3)}, F2 ${row.tagsF2.toFixed(3)} (probes ${row.probeSeconds.toFixed(1)} s, tensors ${tf.memory().numTensors})`);
      }
    }
    // `multi` shares the body's layers and weights: disposing the body frees them.
    body.dispose();
  }

  // Raw pixels (no body) at native size: what the body must beat.
  const pixelScores = [];
  for (const task of tasks) {
    const dim = task.train.side * task.train.side * 3;
    const probs = await linearProbe(task.train.pixels, task.valid.pixels, dim, task, trainOpts);
    pixelScores.push(score(task, probs));
  }
  source.dispose();
  const baselines = { fashion3MostFrequentAcc: baseline(tasks[0]), tagsAllTagsF2: baseline(tasks[1]), pixelsLinearAcc: pixelScores[0], pixelsLinearF2: pixelScores[1] };
  const totalSeconds = (performance.now() - started) / 1000;

  const lines = [
    '| cut | normalization | size | dim | fashion3 acc | tags F2@0.2 | body ms/pic | probes s |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.cut} | ${r.normalization} | ${r.size} | ${r.dim} | ${r.fashion3Acc.toFixed(3)} | ${r.tagsF2.toFixed(3)} | ${r.bodyMsPerImage.toFixed(1)} | ${r.probeSeconds.toFixed(1)} |`),
    `| (pixels, no body) | - | native | - | ${baselines.pixelsLinearAcc.toFixed(3)} | ${baselines.pixelsLinearF2.toFixed(3)} | - | - |`,
    `| (trivial baseline) | - | - | - | ${baselines.fashion3MostFrequentAcc.toFixed(3)} | ${baselines.tagsAllTagsF2.toFixed(3)} | - | - |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\n`);
  process.stdout.write(`${JSON.stringify({ rows, baselines, featurePasses: passes, train: trainOpts, totalSeconds }, null, 1)}\n`);
  log(`total ${totalSeconds.toFixed(0)} s`);
}

await main();
