import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasmBackend, relativeError } from '../tf/testing/wasm';
import { crossEntropyFlat } from '../train/losses';
import { embeddingLookup } from './embedding';
import { concatPool } from './head';
import { classifierLoader, lmLoader } from './loaders';
import { sparseCrossEntropy } from './loss';
import { matMul2d } from './matMul';
import { LanguageModel, TextClassifier, type TextModel } from './models';
import { TextLearner } from './textLearner';

const V = 40;

beforeAll(async () => {
  await loadWasmBackend();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded int32 ids in [2, V) (no padding). */
function ids(rows: number, cols: number, seed: number): tf.Tensor2D {
  let s = seed;
  const vals = Int32Array.from({ length: rows * cols }, () => 2 + ((s = (s * 1103515245 + 12345) >>> 0) % (V - 2)));
  return tf.tensor2d(vals, [rows, cols], 'int32');
}

/** Gradients of the training loss for every variable of a model, as plain arrays. */
async function gradients(model: TextModel, x: tf.Tensor2D, y: tf.Tensor): Promise<Map<string, Float32Array>> {
  const vars = model
    .paramGroups()
    .flat()
    .map((p) => p.variable);
  const { value, grads } = tf.variableGrads(() => {
    const { logits, penalty } = model.forward(x, true);
    const ce = sparseCrossEntropy().mean(logits, y);
    return penalty ? ce.add(penalty) : ce;
  }, vars);
  const out = new Map<string, Float32Array>();
  for (const [k, g] of Object.entries(grads)) out.set(k, (await g.data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe.each(['wasm', 'cpu'] as const)('gradients on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('reach every trainable variable of the language model (tied embedding included), finite', async () => {
    const lm = new LanguageModel({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, seed: 1 });
    const x = ids(3, 5, 1);
    const y = ids(3, 5, 2);
    const g = await gradients(lm, x, y);
    expect(g.size).toBe(lm.paramGroups().flat().length);
    for (const [name, v] of g) {
      expect(v.every(Number.isFinite), name).toBe(true);
      expect(
        v.some((e) => e !== 0),
        name,
      ).toBe(true);
    }
    tf.dispose([x, y]);
    lm.dispose();
  });

  it('reach every trainable variable of the classifier', async () => {
    const clas = new TextClassifier({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, numClasses: 3, seed: 2 });
    const x = ids(4, 6, 3);
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    const g = await gradients(clas, x, y);
    expect(g.size).toBe(clas.paramGroups().flat().length);
    for (const [name, v] of g) expect(v.some((e) => e !== 0) && v.every(Number.isFinite), name).toBe(true);
    tf.dispose([x, y]);
    clas.dispose();
  });
});

describe('wasm-friendly ops match tfjs', () => {
  it('the embedding lookup gradient (a JS scatter-add on wasm and cpu) equals tf.gather`s own on cpu', async () => {
    const run = async (backend: string, lookup: (w: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor) => {
      await tf.setBackend(backend);
      const w = tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: V * 4 }, (_, i) => Math.sin(i)),
          [V, 4],
        ),
      );
      const x = tf.tensor2d(
        [
          [3, 5, 3],
          [7, 3, 9],
        ],
        [2, 3],
        'int32',
      );
      const { grads } = tf.variableGrads(
        () =>
          lookup(w as tf.Tensor2D, x)
            .reshape([2, 3, 4])
            .mul(tf.range(0, 24).reshape([2, 3, 4]))
            .sum() as tf.Scalar,
        [w],
      );
      const g = Float32Array.from(await grads[w.name].data());
      tf.dispose([w, x, ...Object.values(grads)]);
      return g;
    };
    const reference = await run('cpu', (w, x) => tf.gather(w, x.reshape([-1])));
    expect(relativeError(await run('wasm', embeddingLookup), reference)).toBeLessThan(1e-6);
    expect(relativeError(await run('cpu', embeddingLookup), reference)).toBeLessThan(1e-6);
    await tf.setBackend('wasm');
  });

  it('matMul2d and the fused cross-entropy give tfjs`s values and gradients', async () => {
    await tf.setBackend('wasm');
    const a = tf.variable(tf.randomNormal([6, 5], 0, 1, 'float32', 1));
    const b = tf.variable(tf.randomNormal([5, 7], 0, 1, 'float32', 2));
    const y = tf.tensor1d([0, 3, 6, 2, 2, 5], 'int32');
    const both = (mm: typeof matMul2d, loss: ReturnType<typeof crossEntropyFlat>) => tf.variableGrads(() => loss.mean(mm(a as tf.Tensor2D, b as tf.Tensor2D), y), [a, b]);
    const mine = both(matMul2d, sparseCrossEntropy());
    const ref = both((p, q) => tf.matMul(p, q), crossEntropyFlat());
    expect(Math.abs((await mine.value.data())[0] - (await ref.value.data())[0])).toBeLessThan(1e-5);
    for (const v of [a, b]) expect(relativeError(await mine.grads[v.name].data(), await ref.grads[v.name].data())).toBeLessThan(1e-5);
    tf.dispose([a, b, y, mine.value, ref.value, ...Object.values(mine.grads), ...Object.values(ref.grads)]);
  });
});

describe('AWD-LSTM behaviour', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('dropouts (weight dropout included) act in training only', async () => {
    const lm = new LanguageModel({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, seed: 3 });
    const x = ids(2, 4, 5);
    const run = async (training: boolean) => {
      lm.reset();
      const out = tf.tidy(() => lm.forward(x, training).logits);
      const v = Float32Array.from(await out.data());
      out.dispose();
      return v;
    };
    expect(await run(false)).toEqual(await run(false));
    expect(relativeError(await run(true), await run(true))).toBeGreaterThan(1e-3);
    tf.dispose(x);
    lm.dispose();
  });

  it('the language model carries its state to the next batch until reset', async () => {
    const lm = new LanguageModel({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, seed: 4 });
    const x = ids(2, 4, 6);
    const logits = async () => {
      const out = tf.tidy(() => lm.forward(x, false).logits);
      const v = Float32Array.from(await out.data());
      out.dispose();
      return v;
    };
    const first = await logits();
    const continued = await logits();
    lm.reset();
    const fresh = await logits();
    expect(fresh).toEqual(first);
    expect(relativeError(continued, first)).toBeGreaterThan(1e-4);
    tf.dispose(x);
    lm.dispose();
  });

  it('concat pooling ignores padding: last real step, max and mean over real steps', async () => {
    // Row 0 is padded in front (pad id 1), row 1 at the end.
    const x = tf.tensor2d(
      [
        [1, 1, 5, 6],
        [7, 8, 9, 1],
      ],
      [2, 4],
      'int32',
    );
    const out = tf.tensor3d([
      [[9], [9], [1], [3]],
      [[2], [4], [-1], [9]],
    ]);
    const pooled = await concatPool(out, x, 1).array();
    expect(pooled).toEqual(
      [
        [3, 3, 2],
        [-1, 4, 5 / 3],
      ].map((r) => r.map((v) => expect.closeTo(v, 5))),
    );
    tf.dispose([x, out]);
  });

  it('the classifier takes the language model`s encoder weights', async () => {
    const lm = new LanguageModel({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, seed: 5 });
    const clas = new TextClassifier({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, numClasses: 2, seed: 6 });
    clas.encoder.copyFrom(lm.encoder);
    const pairs = clas.encoder.variables().map((v, i) => [v, lm.encoder.variables()[i]] as const);
    for (const [a, b] of pairs) expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    const other = new TextClassifier({ vocabSize: V + 8, embSize: 8, hidden: 12, layers: 2, numClasses: 2 });
    expect(() => other.encoder.copyFrom(lm.encoder)).toThrow(/differ/);
    [lm, clas, other].forEach((m) => m.dispose());
  });
});

describe('TextLearner', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  const texts = Array.from({ length: 24 }, (_, i) => Int32Array.from({ length: 6 + (i % 5) }, (_, j) => 2 + ((i * 7 + j * 3) % (V - 2))));

  it('keeps the tensor count flat across epochs and fits (LM and classifier)', async () => {
    const lm = new LanguageModel({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, seed: 7 });
    const counts: number[] = [];
    const learn = new TextLearner(
      lm,
      { train: lmLoader(texts, { bs: 4, seqLen: 5, shuffle: true, seed: 1 }), valid: lmLoader(texts.slice(0, 8), { bs: 4, seqLen: 5 }) },
      { isLm: true, callbacks: [{ name: 'count', afterEpoch: () => void counts.push(tf.memory().numTensors) }] },
    );
    await learn.fitOneCycle(3, 1e-2);
    expect(new Set(counts).size).toBe(1);
    expect(Object.keys(learn.recorder.epochs[2].metrics)).toEqual(['accuracy', 'perplexity']);
    expect(learn.recorder.epochs[2].metrics.perplexity).toBeCloseTo(Math.exp(learn.recorder.epochs[2].validLoss), 3);
    learn.dispose();
    lm.dispose();

    const clas = new TextClassifier({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, numClasses: 2, seed: 8 });
    const labels = texts.map((_, i) => i % 2);
    const ccounts: number[] = [];
    const clearn = new TextLearner(
      clas,
      { train: classifierLoader(texts, labels, { bs: 6, shuffle: true, seed: 2 }), valid: classifierLoader(texts, labels, { bs: 6 }) },
      { callbacks: [{ name: 'count', afterEpoch: () => void ccounts.push(tf.memory().numTensors) }] },
    );
    await clearn.fitOneCycle(3, 1e-2);
    expect(new Set(ccounts).size).toBe(1);
    expect(Object.keys(clearn.recorder.epochs[0].metrics)).toEqual(['accuracy']);
    // Predictions come back in item order although the loader sorts by length.
    const preds = await clearn.getPreds();
    expect(Array.from(await preds.targets.data())).toEqual(labels);
    expect(preds.probs.shape).toEqual([texts.length, 2]);
    expect(preds.losses).toHaveLength(texts.length);
    tf.dispose([preds.probs, preds.targets]);
    clearn.dispose();
    clas.dispose();
  });

  it('freezeTo trains only the later groups; lrFind puts the weights back', async () => {
    const clas = new TextClassifier({ vocabSize: V, embSize: 8, hidden: 12, layers: 2, numClasses: 2, seed: 9 });
    const labels = texts.map((_, i) => i % 2);
    const learn = new TextLearner(clas, { train: classifierLoader(texts, labels, { bs: 6, shuffle: true, seed: 2 }), valid: classifierLoader(texts, labels, { bs: 6 }) });
    expect(learn.groupCount).toBe(4); // embedding, 2 LSTM layers, head
    const snap = async () => Promise.all(clas.encoder.variables().map(async (v) => Float32Array.from(await v.data())));
    const before = await snap();
    const found = await learn.lrFind({ numIt: 8 });
    expect(found.lrs.length).toBeGreaterThan(2);
    expect(await snap()).toEqual(before);
    learn.freezeTo(-2); // the last LSTM layer and the head
    await learn.fit(1, 1e-2);
    const after = await snap();
    const lastLayerStart = 1 + 3; // embedding, then 3 variables per LSTM layer
    after.slice(0, lastLayerStart).forEach((v, i) => expect(v).toEqual(before[i]));
    expect(after[lastLayerStart]).not.toEqual(before[lastLayerStart]);
    learn.dispose();
    clas.dispose();
  });
});
