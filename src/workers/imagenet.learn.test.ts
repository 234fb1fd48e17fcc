import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guessSpec } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { MOBILENET_V2 } from '../core/model/bodies';
import type { DataLoaders } from '../core/data/batch';
import { makeBody } from '../core/model/pretrainedBody';
import { transferModel } from '../core/model/transfer';
import { fastHeadLearner } from '../core/train/fastHead';
import { fineTunePlan } from '../core/train/fineTune';
import { mnistImagenetLoaders } from '../core/train/testing/mnistImagenet';
import { Learner } from '../core/train/learner';
import { fileLoadHandler } from '../io/node/modelFiles';
import { loadWasmBackend } from '../core/tf/testing/wasm';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { serveFolder, type StaticServer } from '../io/node/staticServer';
import type { ArchSpec, EpochEvent, WorkerEvent } from './protocol';
import { TrainSession } from './trainSession';

// The ImageNet body through the worker's own session, on the wasm backend: fastai's fine_tune
// (frozen, then unfrozen with a slice), and what pretraining brings over the same network from
// scratch. planet_tiny's tiles are real MNIST digits on varied backgrounds: no photo the body saw.
let server: StaticServer;
beforeAll(async () => {
  await loadWasmBackend();
  server = await serveFolder('public');
});
afterAll(() => server.close());

/** planet_tiny at `size` px, 200 training and 80 validation tiles. */
async function planetSpec(size: number): Promise<{ spec: DataBlockSpec; files: ReturnType<typeof readFolder> }> {
  const all = readFolder('public/samples/planet_tiny');
  const keep = new Set(Array.from({ length: 280 }, (_, i) => `train/train_${i}.png`));
  const files = all.filter((f) => !f.path.endsWith('.png') || keep.has(f.path));
  const guessed = await guessSpec(files);
  const spec: DataBlockSpec = { ...guessed, split: { kind: 'random', validPct: 80 / 280, seed: 1 }, transforms: { ...guessed.transforms, size, flipVert: false, flip: false }, batch: { batchSize: 20, seed: 1 } };
  return { spec, files };
}

async function session(arch: ArchSpec, rows: EpochEvent[]): Promise<TrainSession> {
  const s = new TrainSession(decodeInNode, (e: WorkerEvent) => e.type === 'epoch' && rows.push(e));
  // 32 px, not scaled up (minSide 0): this test is about what trains when, not how well.
  const { spec, files } = await planetSpec(32);
  await s.setData(spec, files);
  await s.buildLearner({ arch, wd: 0.01, thresh: 0.2, beta: 2 });
  return s;
}

/** A copy of one body weight, to tell whether a phase changed it. */
/** The session's learner (its state is private: a test reaches in to watch the weights). */
function learnerOf(s: TrainSession): { model: tf.LayersModel; unfreeze(): void } {
  return (s as unknown as { state: { learner: { model: tf.LayersModel; unfreeze(): void } } }).state.learner;
}

function weightOf(s: TrainSession, layer: string): Float32Array {
  return learnerOf(s).model.getLayer(layer).getWeights()[0].dataSync().slice() as Float32Array;
}

function changed(a: Float32Array, b: Float32Array): boolean {
  return a.some((v, i) => v !== b[i]);
}

describe('the ImageNet body through the session (planet_tiny, 200 train / 80 valid)', () => {
  const url = () => `${server.url}/${MOBILENET_V2.url}`;

  it('fine_tune: the frozen epoch trains the head and batch norm only, then the whole body trains with a slice; epochs numbered on', async () => {
    expect(fineTunePlan(2, 1e-2)).toEqual({ frozen: { epochs: 1, lr: 1e-2, pctStart: 0.99 }, unfrozen: { epochs: 2, lr: [5e-5, 5e-3], pctStart: 0.3, div: 5 } });
    // auto's frozen rate for the head, the finder's valley for the body once unfrozen.
    expect(fineTunePlan(2, 1e-1, { unfrozenBaseLr: 1e-2 }).unfrozen.lr).toEqual([5e-5, 5e-3]);
    const rows: EpochEvent[] = [];
    const s = await session({ kind: 'pretrained', url: url(), minSide: 0 }, rows);
    const before = { conv: weightOf(s, 'Conv1'), bn: weightOf(s, 'bn_Conv1'), head: weightOf(s, 'head_fc2') };
    // One frozen epoch only: the unfrozen phase must not have started to tell what the frozen one did.
    let afterFrozen: typeof before | null = null;
    const learn = learnerOf(s);
    const unfreeze = learn.unfreeze.bind(learn);
    learn.unfreeze = () => {
      afterFrozen = { conv: weightOf(s, 'Conv1'), bn: weightOf(s, 'bn_Conv1'), head: weightOf(s, 'head_fc2') };
      unfreeze();
    };
    const info = await s.fineTuneFit(1, 1e-2, 1);
    expect(info.cancelled).toBe(false);
    expect(afterFrozen).not.toBeNull();
    const frozen = afterFrozen!;
    expect(changed(before.conv, frozen.conv)).toBe(false);
    expect(changed(before.bn, frozen.bn)).toBe(true);
    expect(changed(before.head, frozen.head)).toBe(true);
    expect(changed(frozen.conv, weightOf(s, 'Conv1'))).toBe(true);
    expect(rows.map((r) => r.epoch)).toEqual([0, 1]);
    expect(rows.every((r) => Number.isFinite(r.trainLoss) && Number.isFinite(r.validLoss))).toBe(true);
    expect(info.learner.groups.every((g) => !g.frozen)).toBe(true);
  }, 600_000);

  it('beats the same network from scratch at equal epochs, by 0.15 accuracy, and the most frequent class', async () => {
    // MNIST 3s, 5s and 8s (real digits, nothing the body saw), 28 px scaled up 2x inside the model.
    const dls = mnistImagenetLoaders({ digits: [3, 5, 8], nTrain: 300, nValid: 300, batchSize: 30, seed: 5 });
    const source = await tf.loadLayersModel(fileLoadHandler(`public/${MOBILENET_V2.url}`));
    const accuracy = async (randomInit: boolean): Promise<number> => {
      const body = await makeBody(source, { cut: MOBILENET_V2.cut, normalization: MOBILENET_V2.normalization, dataStats: dls.stats, upscale: 2, randomInit });
      const learn = new Learner(dls, transferModel(body, 3, { hidden: 128 }));
      // Each as a person would train it: a pretrained body frozen (on the fast path, as the studio's
      // default), a network from scratch whole. Equal epochs and rate.
      if (randomInit) await learn.fitOneCycle(EPOCHS, 1e-2);
      else {
        learn.freeze();
        const fast = (await fastHeadLearner(learn, dls.train))!;
        await fast.learner.fitOneCycle(EPOCHS, 1e-2);
        fast.dispose();
      }
      const score = (await learn.evaluate()).metrics.accuracy;
      learn.dispose();
      learn.model.dispose();
      return score;
    };
    const pretrained = await accuracy(false);
    const scratch = await accuracy(true);
    source.dispose();
    const mostFrequent = await mostFrequentClassAccuracy(dls);
    console.log(JSON.stringify({ mnist_358_epochs: EPOCHS, pretrained, scratch, mostFrequent }));
    expect(pretrained).toBeGreaterThan(scratch + 0.15);
    expect(pretrained).toBeGreaterThan(mostFrequent + 0.3);
  }, 600_000);
});

const EPOCHS = 4;

/** Accuracy of always predicting the most frequent training class, on the validation set. */
async function mostFrequentClassAccuracy(dls: DataLoaders): Promise<number> {
  const count = async (loader: DataLoaders['train']): Promise<number[]> => {
    const n = new Array<number>(dls.classes.length).fill(0);
    for await (const b of loader.batches(0)) {
      (await b.y.data()).forEach((c) => n[c]++);
      tf.dispose([b.x, b.y]);
    }
    return n;
  };
  const train = await count(dls.train);
  const valid = await count(dls.valid);
  const top = train.indexOf(Math.max(...train));
  return valid[top] / valid.reduce((a, b) => a + b, 0);
}
