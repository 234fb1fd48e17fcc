import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherFiles, loadSpec } from '../../../../scripts/cli/data';
import { decodeInNode } from '../../../io/node/nodeDecode';
import { buildDataBlock, makeDataLoaders } from '../../data/block';
import { guessSpec } from '../../data/infer';
import type { DataBlockSpec } from '../../data/types';
import { hasTorch, PYTHON_DIR, runPython } from './testing/python';

// studio_data.py against the studio's own data block on every sample: the same training and
// validation files (the random split drawn with the same seeded generator), and for the first
// validation batch the same targets (classes, tags, masks, points) and nearly the same pixels.
const SHOWN = 8;

const PROGRAM = `
import json, sys
sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})
from studio_data import build_datasets
root, spec_path = sys.argv[1], sys.argv[2]
given = json.load(open(spec_path))
tr, va = build_datasets(root, given['spec'], given['manifest'], given['spec']['transforms']['size'])
shown = [va[i] for i in range(min(${SHOWN}, len(va)))]
print(json.dumps({'train': [p for p, _ in tr.labeled], 'valid': [p for p, _ in va.labeled],
  'x': [x.permute(1, 2, 0).flatten().tolist() for x, _ in shown], 'y': [y.flatten().tolist() for _, y in shown]}))
`;

let work = '';
beforeAll(async () => {
  expect(hasTorch(), '/usr/bin/python3 cannot import torch: apt-get install python3-torch python3-torchvision python3-pil').toBe(true);
  await tf.setBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'studio-data-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function compare(sample: string, specOf: (root: string) => Promise<DataBlockSpec>): Promise<void> {
  const root = join(process.cwd(), 'public/samples', sample);
  const files = gatherFiles(root);
  const spec = await specOf(root);
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  if (!block.ok) throw new Error(`${sample} did not build`);
  const specPath = join(work, `${sample}.json`);
  writeFileSync(specPath, JSON.stringify({ spec, manifest: { task: block.task, classes: block.classes } }));
  const py = JSON.parse(runPython(['-c', PROGRAM, root, specPath], work)) as { train: string[]; valid: string[]; x: number[][]; y: number[][] };
  expect(py.train).toEqual(block.train.map((i) => i.item.path));
  expect(py.valid).toEqual(block.valid.map((i) => i.item.path));
  // The studio's first validation batch, un-normalized back to bytes.
  const batch = (
    await makeDataLoaders(block, { ...spec, batch: { ...spec.batch, batchSize: SHOWN } })
      .valid.batches(0)
      .next()
  ).value!;
  const stats = block.stats;
  const pixels = tf.tidy(() =>
    batch.x
      .mul(tf.tensor1d([...stats.std]))
      .add(tf.tensor1d([...stats.mean]))
      .mul(255),
  );
  const [xs, ys] = [(await pixels.array()) as number[][][][], (await batch.y.array()) as unknown[]];
  tf.dispose([pixels, batch.x, batch.y]);
  py.x.forEach((x, i) => {
    const studio = xs[i].flat(2);
    const meanAbs = x.reduce((s, v, j) => s + Math.abs(v - studio[j]), 0) / x.length;
    // PIL's bilinear and the studio's resampler agree to about a grey level on average.
    expect(meanAbs, `${sample} picture ${i}`).toBeLessThan(2);
  });
  py.y.forEach((y, i) => {
    const studio = [ys[i]].flat(3) as number[];
    if (block.task === 'segmentation') {
      const same = y.filter((v, j) => v === studio[j]).length / y.length;
      expect(same, `${sample} mask ${i}`).toBeGreaterThan(0.98);
    } else {
      y.forEach((v, j) => expect(v, `${sample} target ${i}`).toBeCloseTo(studio[j], 4));
    }
  });
}

describe('studio_data.py builds the studio’s data block', () => {
  it('mnist_tiny: folders, parent labels, split by folder', () => compare('mnist_tiny', async () => loadSpec('scripts/blocks/mnist_tiny.json')), 60_000);
  it(
    'planet_tiny: CSV tags with a separator, random split with its seed, resized from 64 to 48',
    () =>
      compare('planet_tiny', async () => {
        const spec = loadSpec('scripts/blocks/planet_tiny.json');
        return { ...spec, transforms: { ...spec.transforms, size: 48 } };
      }),
    60_000,
  );
  it('camvid_tiny: masks from a template and codes.txt', () => compare('camvid_tiny', async (root) => guessSpec(gatherFiles(root))), 60_000);
  it(
    'headpose_tiny: points from CSV columns, padded to a square',
    () =>
      compare('headpose_tiny', async (root) => {
        const spec = await guessSpec(gatherFiles(root));
        return { ...spec, transforms: { ...spec.transforms, resize: 'pad', size: 40 } };
      }),
    60_000,
  );
});
