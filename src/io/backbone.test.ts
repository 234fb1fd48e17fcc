import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistTestBatch } from '../core/train/testing/mnistImagenet';
import { BUILTIN_BACKBONE_PATH, loadBackboneFromFiles, loadBackboneFromUrl } from './backbone';
import { serveFolder, type StaticServer } from './node/staticServer';

// The built-in backbone (scripts/trainBackbone.ts) loaded the way the studio loads it: over
// HTTP from a real server on localhost, and from dropped files.
const DIR = join(process.cwd(), 'public/models/mnist-backbone');
const modelJson = readFileSync(join(DIR, 'model.json'), 'utf8');
let server: StaticServer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The real model.json at a path whose weights file is not there.
  server = await serveFolder('public', { '/broken/model.json': modelJson });
});
afterAll(() => server.close());

/** Share of the first `n` MNIST test digits the model classifies right. */
async function accuracy(model: tf.LayersModel, n: number): Promise<{ acc: number; shape: number[] }> {
  const { x, y } = mnistTestBatch(n);
  const out = model.predict(x) as tf.Tensor;
  const hits = tf.tidy(() => out.argMax(-1).equal(y).sum());
  const acc = (await hits.data())[0] / n;
  const shape = out.shape;
  tf.dispose([x, y, out, hits]);
  return { acc, shape };
}

describe('loadBackboneFromUrl (real fetch over localhost)', () => {
  it('loads the built-in backbone, which reads real MNIST test digits', async () => {
    const model = await loadBackboneFromUrl(`${server.url}/${BUILTIN_BACKBONE_PATH}`);
    expect(model.inputs[0].shape).toEqual([null, null, null, 3]);
    const { acc, shape } = await accuracy(model, 200);
    expect(shape).toEqual([200, 10]);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    model.dispose();
  });

  it('a missing model.json is an error naming the URL and the HTTP status', async () => {
    const url = `${server.url}/models/nope/model.json`;
    await expect(loadBackboneFromUrl(url)).rejects.toThrow(`The pretrained backbone at ${url} could not be loaded: ${url}: HTTP 404`);
  });

  it('a missing weights file is an error naming the weights URL', async () => {
    await expect(loadBackboneFromUrl(`${server.url}/broken/model.json`)).rejects.toThrow(`${server.url}/broken/weights.bin: HTTP 404`);
  });

  it('a server that is not there is an error naming the URL', async () => {
    const url = 'http://127.0.0.1:9/model.json';
    await expect(loadBackboneFromUrl(url)).rejects.toThrow(`The pretrained backbone at ${url} could not be loaded`);
  });
});

/** The browser's FileReader, which Node lacks and `tf.io.browserFiles` uses; read through Blob. */
class NodeFileReader {
  result: string | ArrayBuffer | null = null;
  onload: ((e: { target: NodeFileReader }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  readAsText(blob: Blob): void {
    blob.text().then(
      (t) => this.done(t),
      (e) => this.onerror?.(e),
    );
  }
  readAsArrayBuffer(blob: Blob): void {
    blob.arrayBuffer().then(
      (b) => this.done(b),
      (e) => this.onerror?.(e),
    );
  }
  private done(result: string | ArrayBuffer): void {
    this.result = result;
    this.onload?.({ target: this });
  }
}

describe('loadBackboneFromFiles (dropped files, tf.io.browserFiles)', () => {
  const file = (name: string) => new File([readFileSync(join(DIR, name))], name);
  const g = globalThis as { FileReader?: unknown };
  const hadReader = 'FileReader' in g;
  beforeAll(() => {
    if (!hadReader) g.FileReader = NodeFileReader;
  });
  afterAll(() => {
    if (!hadReader) delete g.FileReader;
  });

  it('loads model.json + weights.bin among other dropped files', async () => {
    const model = await loadBackboneFromFiles([file('info.json'), file('weights.bin'), file('model.json')]);
    const { acc, shape } = await accuracy(model, 100);
    expect(shape).toEqual([100, 10]);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    model.dispose();
  });

  it('says which file is missing', async () => {
    await expect(loadBackboneFromFiles([file('weights.bin')])).rejects.toThrow('model.json not found among the dropped files (weights.bin)');
    await expect(loadBackboneFromFiles([file('model.json')])).rejects.toThrow('weights file weights.bin missing');
    await expect(loadBackboneFromFiles([new File(['{ nope'], 'model.json')])).rejects.toThrow('model.json is not valid JSON');
    await expect(loadBackboneFromFiles([new File(['{"a": 1}'], 'model.json')])).rejects.toThrow('model.json is not a tfjs layers model');
  });
});
