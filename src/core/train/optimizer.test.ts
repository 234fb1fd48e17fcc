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
