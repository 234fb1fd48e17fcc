import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramGroups } from '../model/params';
import { smallCnn } from '../model/smallCnn';
import { optimizerFiles, readOptimizerFiles } from '../project/optimizerFiles';
import { AdamW, disposeSnapshot, type Param } from './optimizer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function param(values: number[], doWd = true, isBn = false): Param {
  return { variable: tf.variable(tf.tensor1d(values)), doWd, isBn };
}

/** fastai's Adam step in plain doubles: the reference the tensors are checked against. */
function adamRef(p: number, g: number, m: number, v: number, t: number, h: { lr: number; mom: number; sqrMom: number; eps: number; wd: number }) {
  const decayed = p * (1 - h.lr * h.wd);
  const m2 = h.mom * m + (1 - h.mom) * g;
  const v2 = h.sqrMom * v + (1 - h.sqrMom) * g * g;
  const next = decayed - ((h.lr / (1 - h.mom ** t)) * m2) / (Math.sqrt(v2 / (1 - h.sqrMom ** t)) + h.eps);
  return { p: next, m: m2, v: v2 };
}

describe('AdamW (fastai Adam, decoupled wd)', () => {
  it('exports its moments in parameter order, through the bundle files, and a second optimizer steps on identically', async () => {
    const [a1, b1, a2, b2] = [param([1, -2]), param([0.5]), param([1, -2]), param([0.5])];
    const first = new AdamW([[a1], [b1]], { lr: 0.1 });
    const second = new AdamW([[a2], [b2]], { lr: 0.1 });
    first.step({ [a1.variable.name]: tf.tensor1d([0.5, 0.1]) });
    second.step({ [a2.variable.name]: tf.tensor1d([0.5, 0.1]) });
    // b1 has no gradient yet: it is saved with step 0 and stays fresh.
    const saved = readOptimizerFiles(optimizerFiles({ moments: first.exportMoments(), epochsRun: 3 }))!;
    expect(saved.epochsRun).toBe(3);
    expect(saved.moments.map((m) => m.step)).toEqual([1, 0]);
    const third = new AdamW([[param([0])], [param([0])]], { lr: 0.1 });
    expect(() => third.importMoments(saved.moments.slice(0, 1))).toThrow('the saved optimizer has 1 parameters, the model 2');
    second.clearState();
    second.importMoments(saved.moments);
    for (const [opt, a] of [
      [first, a1],
      [second, a2],
    ] as const)
      opt.step({ [a.variable.name]: tf.tensor1d([-0.3, 0.2]) });
    expect(Array.from(await a2.variable.data())).toEqual(Array.from(await a1.variable.data()));
    expect(second.stepCount(a2.variable.name)).toBe(2);
    [first, second, third].forEach((o) => o.dispose());
  });

  it('uses fastai defaults', () => {
    const opt = new AdamW([[param([1])]]);
    expect(opt.hypers[0]).toMatchObject({ mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.01 });
  });

  it('first step by hand: p*(1-lr*wd) - lr * g / (|g| + eps)', async () => {
    const a = param([1, -2]);
    const opt = new AdamW([[a]], { lr: 0.1 });
    opt.step({ [a.variable.name]: tf.tensor1d([0.5, 0.1]) });
    // debiased moments equal g and g^2 after one step
    const expected = [1 * 0.999 - (0.1 * 0.5) / 0.50001, -2 * 0.999 - (0.1 * 0.1) / 0.10001];
    const got = await a.variable.data();
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 6));
    opt.dispose();
  });

  it('second step follows the reference, with momentum changed between steps', async () => {
    const a = param([1, -2]);
    const opt = new AdamW([[a]], { lr: 0.05 });
    const g1 = [0.5, 0.1];
    const g2 = [-0.2, 0.3];
    opt.step({ [a.variable.name]: tf.tensor1d(g1) });
    opt.setHyper('mom', 0.8);
    opt.step({ [a.variable.name]: tf.tensor1d(g2) });
    const got = await a.variable.data();
    [1, -2].forEach((p0, i) => {
      const s1 = adamRef(p0, g1[i], 0, 0, 1, { lr: 0.05, mom: 0.9, sqrMom: 0.99, eps: 1e-5, wd: 0.01 });
      const s2 = adamRef(s1.p, g2[i], s1.m, s1.v, 2, { lr: 0.05, mom: 0.8, sqrMom: 0.99, eps: 1e-5, wd: 0.01 });
      expect(got[i]).toBeCloseTo(s2.p, 5);
    });
    expect(opt.stepCount(a.variable.name)).toBe(2);
    opt.dispose();
  });

  it('applies weight decay only where doWd (not to bias or batch norm)', async () => {
    const decayed = param([2]);
    const bias = param([2], false);
    const opt = new AdamW([[decayed, bias]], { lr: 0.5, wd: 0.1 });
    opt.step({ [decayed.variable.name]: tf.tensor1d([0]), [bias.variable.name]: tf.tensor1d([0]) });
    expect((await decayed.variable.data())[0]).toBeCloseTo(2 * (1 - 0.05), 6);
    expect((await bias.variable.data())[0]).toBe(2);
    opt.dispose();
  });

  it('gives each group its own lr', async () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new AdamW([[a], [b]], { wd: 0 });
    opt.setHyper('lr', [0, 0.1]);
    expect(opt.hypers.map((h) => h.lr)).toEqual([0, 0.1]);
    opt.step({ [a.variable.name]: tf.tensor1d([1]), [b.variable.name]: tf.tensor1d([1]) });
    expect((await a.variable.data())[0]).toBe(1);
    expect((await b.variable.data())[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-5), 6);
    expect(() => opt.setHyper('lr', [1, 2, 3])).toThrow(/2 parameter groups/);
    opt.dispose();
  });

  it('snapshot/restore puts moments, steps and hypers back exactly', async () => {
    const a = param([1, 2]);
    const opt = new AdamW([[a]], { lr: 0.01 });
    const name = a.variable.name;
    opt.step({ [name]: tf.tensor1d([0.3, -0.1]) });
    const snap = opt.snapshot();
    const p0 = a.variable.clone();
    opt.setHyper('lr', 5);
    opt.step({ [name]: tf.tensor1d([1, 1]) });
    opt.restore(snap);
    a.variable.assign(p0);
    expect(opt.hypers[0].lr).toBe(0.01);
    expect(opt.stepCount(name)).toBe(1);
    opt.step({ [name]: tf.tensor1d([0.2, 0.2]) });
    const afterRestore = Array.from(await a.variable.data());
    // The same step from a fresh optimizer that saw the same history.
    const b = param([1, 2]);
    const ref = new AdamW([[b]], { lr: 0.01 });
    ref.step({ [b.variable.name]: tf.tensor1d([0.3, -0.1]) });
    ref.step({ [b.variable.name]: tf.tensor1d([0.2, 0.2]) });
    expect(afterRestore).toEqual(Array.from(await b.variable.data()));
    disposeSnapshot(snap);
    tf.dispose(p0);
    opt.dispose();
    ref.dispose();
  });
  it('follows the reference through freezing and unfreezing: per-group lr, wd only where doWd, each parameter its own step count', async () => {
    // A body weight (wd), a body batch-norm weight (no wd, trains while frozen) and a head weight.
    const init = { body: [0.5, -1, 2], bn: [1, 1], head: [-0.3, 0.7] };
    const body = param(init.body);
    const bn = param(init.bn, false, true);
    const head = param(init.head);
    const opt = new AdamW([[body, bn], [head]], { lr: 0.1, wd: 0.1 });
    const hyp = (lr: number, mom: number) => ({ lr, mom, sqrMom: 0.99, eps: 1e-5, wd: 0.1 });
    const ref = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, v.map((p) => ({ p, m: 0, v: 0, t: 0 }))]));
    const refStep = (key: keyof typeof init, g: number[], h: ReturnType<typeof hyp>, wd: boolean) =>
      ref[key].forEach((s, i) => {
        const r = adamRef(s.p, g[i], s.m, s.v, s.t + 1, wd ? h : { ...h, wd: 0 });
        ref[key][i] = { ...r, t: s.t + 1 };
      });
    const grads = [
      { body: [0.2, -0.1, 0.05], bn: [0.3, -0.2], head: [0.4, 0.1] },
      { body: [-0.1, 0.2, 0.1], bn: [0.1, 0.1], head: [-0.2, 0.3] },
      { body: [0.3, 0.3, -0.2], bn: [-0.2, 0.4], head: [0.1, -0.1] },
    ];
    // Frozen: batch norm and head step twice, with momentum changed between steps.
    for (const [k, mom] of [
      [0, 0.9],
      [1, 0.8],
    ] as const) {
      opt.setHyper('mom', mom);
      opt.step({ [bn.variable.name]: tf.tensor1d(grads[k].bn), [head.variable.name]: tf.tensor1d(grads[k].head) });
      refStep('bn', grads[k].bn, hyp(0.1, mom), false);
      refStep('head', grads[k].head, hyp(0.1, mom), true);
    }
    // Unfrozen with discriminative rates: the body's first step (debiased as step 1), the others' third.
    opt.setHyper('lr', [0.01, 0.05]);
    opt.step({ [body.variable.name]: tf.tensor1d(grads[2].body), [bn.variable.name]: tf.tensor1d(grads[2].bn), [head.variable.name]: tf.tensor1d(grads[2].head) });
    refStep('body', grads[2].body, hyp(0.01, 0.8), true);
    refStep('bn', grads[2].bn, hyp(0.01, 0.8), false);
    refStep('head', grads[2].head, hyp(0.05, 0.8), true);
    expect([body, bn, head].map((p) => opt.stepCount(p.variable.name))).toEqual([1, 3, 3]);
    for (const [key, p] of [
      ['body', body],
      ['bn', bn],
      ['head', head],
    ] as const) {
      const got = await p.variable.data();
      ref[key].forEach((r, i) => expect(got[i]).toBeCloseTo(r.p, 5));
    }
    // The moments come back per parameter, as the reference has them.
    const moments = opt.exportMoments();
    expect(moments.map((m) => m.step)).toEqual([1, 3, 3]);
    ref.head.forEach((r, i) => {
      expect(moments[2].gradAvg[i]).toBeCloseTo(r.m, 6);
      expect(moments[2].sqrAvg[i]).toBeCloseTo(r.v, 6);
    });
    opt.dispose();
  });

  it('steps any number of parameters in the same few kernels, and keeps the tensor count flat', async () => {
    /** Kernels of one step of `n` parameters in 3 groups with discriminative rates, bias-like ones without wd. */
    const kernelsFor = async (n: number) => {
      const params = Array.from({ length: n }, (_, i) => param([i, -i, 0.5], i % 3 !== 0, i % 3 === 0));
      const opt = new AdamW([params.slice(0, n / 3), params.slice(n / 3, (2 * n) / 3), params.slice((2 * n) / 3)]);
      opt.setHyper('lr', [1e-4, 1e-3, 1e-2]);
      const step = () => {
        const grads = params.map((_, i) => tf.tensor1d([0.1 * i, -0.2, 0.3]));
        opt.step(Object.fromEntries(params.map((p, i) => [p.variable.name, grads[i]])));
        tf.dispose(grads);
      };
      step();
      const before = tf.memory().numTensors;
      const info = await tf.profile(step);
      step();
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      tf.dispose(params.map((p) => p.variable));
      // Reshapes move no data (GPU backends do not dispatch them).
      return info.kernels.filter((k) => !k.name.endsWith('__op') && k.name !== 'Reshape').map((k) => k.name);
    };
    const [few, many] = [await kernelsFor(30), await kernelsFor(90)];
    // Each parameter apart took 14 kernels: 420 and 1,260 here.
    expect(many).toEqual(few);
    expect(few.length).toBeLessThan(40);
  });
});

describe('paramGroups', () => {
  it('tags batch norm and biases as fastai does (no wd; BN trains when frozen)', () => {
    const grouped = smallCnn(2, { channels: [4, 8] });
    const groups = paramGroups(grouped);
    expect(groups.length).toBe(3);
    const all = groups.flat();
    expect(all.length).toBe(grouped.model.trainableWeights.length);
    const byName = (re: RegExp) => all.filter((p) => re.test(p.variable.name));
    expect(byName(/_conv\/kernel/).every((p) => p.doWd && !p.isBn)).toBe(true);
    expect(byName(/_bn\/(gamma|beta)/).every((p) => !p.doWd && p.isBn)).toBe(true);
    expect(byName(/head_fc\/bias/).every((p) => !p.doWd && !p.isBn)).toBe(true);
    expect(byName(/head_fc\/kernel/).every((p) => p.doWd)).toBe(true);
    grouped.model.dispose();
  });
});
