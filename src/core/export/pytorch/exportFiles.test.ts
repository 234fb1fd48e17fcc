import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBlockSpec, Task } from '../../data/types';
import { DEFAULT_SPEC } from '../../data/infer';
import { makeBundle, type BundleFiles } from '../../project/bundle';
import { makeManifest, type ArchDescription } from '../../project/manifest';
import { savedArtifacts } from '../../project/testing/models';
import { smallCnn } from '../../model/smallCnn';
import { pytorchExport } from './exportFiles';
import { planFromRuns, type RecordedRun } from './plan';
import { PYTHON_FILES } from './pythonSources';
import { hasTorch, runPython } from './testing/python';

// The export's files, and its fastai notebook: valid nbformat 4 JSON with the cells intended,
// every code cell parsing as Python (ast.parse), for each task and label kind the studio has.

// The runs below start at the spec's size (28), so the first fit needs no new loaders.
const BASE: DataBlockSpec = { ...DEFAULT_SPEC, transforms: { ...DEFAULT_SPEC.transforms, size: 28 } };
const SPECS: Record<Task, DataBlockSpec> = {
  single: BASE,
  multi: {
    ...BASE,
    items: { kind: 'csv', csvPath: 'labels.csv', fileColumn: 'image_name', folder: 'train', suffix: '.png' },
    label: { kind: 'csvColumn', column: 'tags', separator: ' ' },
    split: { kind: 'random', validPct: 0.2, seed: 42 },
  },
  segmentation: {
    ...BASE,
    items: { kind: 'folder', folder: 'images' },
    label: { kind: 'mask', template: 'labels/{name}_P{ext}', codesPath: 'codes.txt', voidCode: 'Void' },
    split: { kind: 'random', validPct: 0.2, seed: 1 },
  },
  points: {
    ...BASE,
    items: { kind: 'csv', csvPath: 'points.csv', fileColumn: 'image' },
    label: { kind: 'points', xColumn: 'x', yColumn: 'y' },
    split: { kind: 'csvColumn', column: 'is_valid' },
    transforms: { ...BASE.transforms, resize: 'pad' },
  },
};
const ARCHS: Record<Task, ArchDescription> = {
  single: { name: 'smallCnn' },
  multi: { name: 'pretrained', url: 'models/mobilenet_v2/model.json', cut: 'block_11_expand_relu', normalization: 'unit' },
  segmentation: { name: 'unet', encoder: 'xresnet' },
  points: { name: 'xresnet', depth: 'tiny' },
};
const CLASSES: Record<Task, string[]> = { single: ['3', '7'], multi: ['one', 'two', 'three'], segmentation: ['Void', 'Background', 'Digit'], points: [] };

// Frozen 1 epoch at 28 px, fine_tune at 28 px, then a bigger size unfrozen with a slice.
const RUNS: RecordedRun[] = [
  { epochs: 1, lr: 1e-2, size: 28, frozen: true, oneCycle: true },
  { epochs: 3, lr: 2e-3, size: 28, frozen: true, oneCycle: true, fineTune: { freezeEpochs: 1 } },
  { epochs: 2, lr: [1e-5, 1e-3], size: [32, 48], frozen: false, oneCycle: true, cycle: { pctStart: 0.3 } },
];

let work = '';
let bundleFor: (task: Task) => BundleFiles;
beforeAll(async () => {
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'pytorch-files-'));
  const { model } = smallCnn(2);
  const artifacts = await savedArtifacts(model);
  model.dispose();
  bundleFor = (task: Task) => {
    const manifest = makeManifest({
      task,
      classes: CLASSES[task],
      voidIndex: task === 'segmentation' ? 0 : -1,
      inputSize: 28,
      normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      spec: SPECS[task],
      arch: ARCHS[task],
      layerGroups: [['cnn_b0_conv'], ['cnn_head_fc']],
      history: [],
    });
    return makeBundle(artifacts, manifest);
  };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('planFromRuns', () => {
  it('writes fine_tune as fastai does it: frozen at lr with pct_start 0.99, then unfrozen at slice(lr/200, lr/2), div 5', () => {
    const plan = planFromRuns(RUNS, { wd: 0.01, threshold: 0.2, beta: 2, pretrainedBody: true, size: 28 });
    expect(plan.runs.map((r) => [r.call, r.frozen, r.size])).toEqual([
      ['fit_one_cycle(1, 0.01)', true, 28],
      ['fit_one_cycle(1, 0.002, pct_start=0.99)', true, 28],
      ['fit_one_cycle(2, slice(1e-5, 0.001), pct_start=0.3, div=5)', false, 28],
      ['fit_one_cycle(2, slice(1e-5, 0.001), pct_start=0.3)', false, [32, 48]],
    ]);
  });

  it('plans one fit_one_cycle(1, 1e-3) when nothing was trained, frozen for a pretrained body, and says so', () => {
    const plan = planFromRuns([], { wd: 0.01, threshold: 0.2, beta: 2, pretrainedBody: true, size: 64 });
    expect(plan.runs).toEqual([expect.objectContaining({ epochs: 1, lr: 1e-3, frozen: true, size: 64 })]);
    expect(plan.notes[0]).toMatch(/Nothing was trained/);
  });
});

describe('the PyTorch export', () => {
  it('holds train.py and its modules, weights/ (the studio bundle), plan.json, notebook.ipynb and README.md', () => {
    const files = pytorchExport(bundleFor('single'), RUNS, { wd: 0.05, threshold: 0.2, beta: 2 }, PYTHON_FILES);
    expect(Object.keys(files).sort()).toEqual([
      'README.md',
      'launch.py',
      'notebook.ipynb',
      'plan.json',
      'studio_augment.py',
      'studio_data.py',
      'studio_fit.py',
      'studio_layers.py',
      'studio_model.py',
      'studio_table.py',
      'train.py',
      'weights/model.json',
      'weights/studio.json',
      'weights/weights.bin',
    ]);
    const plan = JSON.parse(new TextDecoder().decode(files['plan.json']));
    expect(plan).toMatchObject({ wd: 0.05, pretrainedBody: false });
    expect(new TextDecoder().decode(files['README.md'])).toContain('torchrun --nproc_per_node');
  });

  it.each(['single', 'multi', 'segmentation', 'points'] as const)('%s: notebook.ipynb is nbformat 4 JSON whose code cells all parse as Python', (task) => {
    expect(hasTorch(), 'the check runs /usr/bin/python3').toBe(true);
    const files = pytorchExport(bundleFor(task), RUNS, { wd: 0.01, threshold: 0.2, beta: 2 }, PYTHON_FILES);
    const path = join(work, `${task}.ipynb`);
    writeFileSync(path, files['notebook.ipynb']);
    const check = `
import ast, json, sys
nb = json.load(open(sys.argv[1]))
assert nb['nbformat'] == 4 and nb['metadata']['kernelspec']['language'] == 'python'
code = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']
for c in code:
    ast.parse(c)
print(json.dumps(code))`;
    const code = JSON.parse(runPython(['-c', check, path], work)) as string[];
    const all = code.join('\n');
    expect(all).toContain('from fastai.vision.all import *');
    expect(all).toContain('DataBlock(');
    expect(all).toContain('learn.lr_find()');
    expect(all).toMatch(task === 'segmentation' ? /unet_learner\(dls, xresnet18/ : /vision_learner\(dls, /);
    expect(all).toContain({ single: 'CategoryBlock', multi: 'MultiCategoryBlock', segmentation: 'MaskBlock(codes)', points: 'PointBlock' }[task]);
    // One cell per fit, in order, with freeze/unfreeze and the size change where they happen.
    const fits = code.filter((c) => c.includes('learn.fit_one_cycle('));
    expect(fits).toHaveLength(4);
    expect(fits[0]).toMatch(/^learn\.freeze\(\)\nlearn\.fit_one_cycle\(1, 0\.01\)$/);
    expect(fits[2]).toMatch(/learn\.unfreeze\(\)/);
    expect(fits[3]).toMatch(/^learn\.dls = dls_at\(\(32, 48\)\)/);
  });
});
