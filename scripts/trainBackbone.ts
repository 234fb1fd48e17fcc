/**
 * Trains the studio's built-in pretrained backbone: a small CNN on the full MNIST training set
 * (60,000 images, all ten digits), fed as the studio feeds pictures (grey replicated to RGB,
 * x / 255, ImageNet mean/std), one-cycle, on the tfjs CPU backend in Node. Reports accuracy on
 * the 10,000 MNIST test images and writes tfjs layers files the studio loads by URL:
 *
 *   public/models/mnist-backbone/model.json, weights.bin, info.json
 *
 * Usage: `npm run backbone [-- --epochs N] [-- --bench]`. Deterministic: fixed initializer,
 * shuffle seeds and data order. `--bench` times a few steps and exits (how the size was picked:
 * ~270-390 ms per batch of 64 with the fast CPU kernels, 4-6 min per epoch on one core, so the
 * default is 1 epoch).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { smallCnn } from '../src/core/model/smallCnn';
import { countParams, type GroupedModel } from '../src/core/model/types';
import { installBroadcastCpuKernels } from '../src/core/tf/broadcastKernels';
import { installFastCpuKernels } from '../src/core/tf/cpuKernels';
import { CancelFitError, type Callback } from '../src/core/train/callback';
import { Learner, type Progress } from '../src/core/train/learner';
import { mnistImagenetLoaders } from '../src/core/train/testing/mnistImagenet';
import { fileSaveHandler } from '../src/io/node/modelFiles';

const OUT = join(process.cwd(), 'public/models/mnist-backbone');
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const BATCH = 64;
const LR = 1e-2;

/** The backbone: the studio's small CNN (four stride-2 conv-bn-relu blocks, 8..64 filters). */
function backbone(): GroupedModel {
  return smallCnn(10, { channels: [8, 16, 32, 64], seed: 2024, name: 'mnist' });
}

/** Logs every `every` batches with an ETA, to stderr. */
function progressLogger(every: number): (p: Progress) => void {
  const t0 = performance.now();
  return (p) => {
    if (p.phase !== 'train' || (p.batch + 1) % every !== 0) return;
    const done = p.epoch * p.batchesPerEpoch + p.batch + 1;
    const total = p.epochs * p.batchesPerEpoch;
    const s = (performance.now() - t0) / 1000;
    console.error(
      `epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch + 1}/${p.batchesPerEpoch} loss ${p.smoothLoss.toFixed(4)} lr ${p.lr.toExponential(2)} ${s.toFixed(0)} s, ~${((s / done) * (total - done)).toFixed(0)} s left`,
    );
  };
}

/** Times `steps` training batches after 2 warm-up ones. */
async function bench(steps: number): Promise<void> {
  const dls = mnistImagenetLoaders({ batchSize: BATCH, nValid: BATCH });
  const grouped = backbone();
  const learn = new Learner(dls, grouped);
  const times: number[] = [];
  let t = performance.now();
  const timer: Callback = {
    name: 'timer',
    order: 0,
    afterBatch: () => {
      times.push(performance.now() - t);
      t = performance.now();
      if (times.length >= steps + 2) throw new CancelFitError('bench done');
    },
  };
  await learn.fit(1, 1e-3, { callbacks: [timer] });
  const ms = times.slice(2).reduce((a, b) => a + b, 0) / steps;
  console.log(JSON.stringify({ params: countParams(grouped.model), batch: BATCH, msPerStep: Math.round(ms), minutesPerEpoch: +((ms * dls.train.batchCount) / 60000).toFixed(1) }));
}

async function train(epochs: number): Promise<void> {
  const dls = mnistImagenetLoaders({ batchSize: BATCH, seed: 7 });
  const grouped = backbone();
  console.error(`small CNN, ${countParams(grouped.model)} parameters; ${dls.train.count} training and ${dls.valid.count} test images; ${epochs} epoch(s) of one-cycle at lr ${LR}`);
  const learn = new Learner(dls, grouped, { wd: 0.01 });
  const t0 = performance.now();
  await learn.fitOneCycle(epochs, LR, { onProgress: progressLogger(100) });
  const seconds = (performance.now() - t0) / 1000;
  const rows = learn.recorder.epochs;
  rows.forEach((r) => console.error(`epoch ${r.epoch + 1}: train_loss ${r.trainLoss.toFixed(4)} valid_loss ${r.validLoss.toFixed(4)} accuracy ${r.metrics.accuracy.toFixed(4)} (${r.seconds.toFixed(0)} s)`));
  const testAccuracy = rows[rows.length - 1].metrics.accuracy;
  const saved = await grouped.model.save(fileSaveHandler(OUT));
  const info = {
    trainedOn: `MNIST train ${dls.train.count}`,
    testAccuracy: +testAccuracy.toFixed(4),
    testImages: dls.valid.count,
    epochs,
    inputSize: 28,
    normalize: 'imagenet',
    classes: CLASSES,
    arch: 'smallCnn [8, 16, 32, 64] (input [null, null, 3]: any size)',
    params: countParams(grouped.model),
    weightBytes: saved.modelArtifactsInfo.weightDataBytes,
    trainSeconds: Math.round(seconds),
    script: 'scripts/trainBackbone.ts',
  };
  writeFileSync(join(OUT, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
  console.log(JSON.stringify(info));
  learn.dispose();
  grouped.model.dispose();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '1' }, bench: { type: 'boolean', default: false } } });
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a whole number >= 1, not "${values.epochs}"`);
  await tf.setBackend('cpu');
  installFastCpuKernels();
  installBroadcastCpuKernels();
  if (values.bench) await bench(6);
  else await train(epochs);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
