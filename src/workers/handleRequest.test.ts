import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, DEFAULT_TRANSFORMS } from '../core/data/infer';
import type { DataBlockSpec } from '../core/data/types';
import { chooseBackend } from '../core/tf/backend';
import { decodeInNode } from '../io/node/nodeDecode';
import { readFolder } from '../io/node/nodeFiles';
import { handleRequest, serveRequests, transferList, type WorkerScope } from './handleRequest';
import type { BatchTiles, BlockView, FromWorker, Request, WireFile } from './protocol';
import { TrainSession } from './trainSession';

beforeAll(async () => {
  await chooseBackend(['cpu']);
});

/** The worker's scope as a test sees it: requests go in, and each post is kept with its transfer list. */
function fakeScope() {
  const posts: { message: FromWorker; transfer: Transferable[] }[] = [];
  const scope: WorkerScope = { onmessage: null, postMessage: (message, transfer) => void posts.push({ message, transfer }) };
  const send = async (req: Request) => {
    const before = posts.length;
    scope.onmessage!({ data: req } as MessageEvent<Request>);
    await expect.poll(() => posts.length, { timeout: 30_000 }).toBeGreaterThan(before);
    return posts[posts.length - 1];
  };
  return { scope, send };
}

describe('handleRequest (the worker side of TrainApi)', () => {
  it('answers a request with its typed reply and refuses one it does not know, by name', async () => {
    const session = new TrainSession(decodeInNode, () => {});
    expect(await handleRequest(session, { type: 'stop', id: 1 })).toBe(false);
    await expect(handleRequest(session, { type: 'results', id: 2 })).rejects.toThrow(/first/i);
    // A page newer than its worker (a cached worker script) sends a name the worker lacks.
    await expect(handleRequest(session, { type: 'exportOnnx', id: 3 } as unknown as Request)).rejects.toThrow('The training worker has no request "exportOnnx"');
  });

  it("moves show_batch's tiles to the page: every tile's buffer is in the reply's transfer list, for buildData and drawBatch (issue 13)", async () => {
    const files = readFolder('public/samples/mnist_tiny').filter((f) => /^(train|valid)\/[37]\/[^/]*[05]\.png$/.test(f.path));
    const wire: WireFile[] = await Promise.all(files.map(async (f) => ({ path: f.path, blob: new Blob([(await f.read()) as Uint8Array<ArrayBuffer>]) })));
    const spec: DataBlockSpec = { ...DEFAULT_SPEC, split: { kind: 'folder', train: 'train', valid: 'valid' }, transforms: { ...DEFAULT_TRANSFORMS, size: 16, flip: false }, batch: { batchSize: 8, seed: 1 } };
    const { scope, send } = fakeScope();
    serveRequests(scope, new TrainSession(decodeInNode, () => {}));

    const built = await send({ type: 'buildData', id: 1, spec, files: wire, draw: 0 });
    expect(built.message).toMatchObject({ type: 'reply', id: 1 });
    const view = (built.message as { value: BlockView }).value;
    expect(view.ok).toBe(true);
    expect(view.batch.tiles.length).toBeGreaterThan(0);
    expect(built.transfer).toEqual(view.batch.tiles.map((t) => t.rgba.buffer));

    const drawn = await send({ type: 'drawBatch', id: 2, draw: 1 });
    const tiles = (drawn.message as { value: BatchTiles }).value.tiles;
    expect(tiles.length).toBeGreaterThan(0);
    expect(drawn.transfer).toEqual(tiles.map((t) => t.rgba.buffer));
    // Transferred, as postMessage does: the page gets the pixels, this side keeps an empty buffer.
    const pixels = tiles.map((t) => [...t.rgba]);
    const received = structuredClone(drawn.message, { transfer: drawn.transfer }) as { value: BatchTiles };
    expect(received.value.tiles.map((t) => [...t.rgba])).toEqual(pixels);
    expect(tiles.every((t) => t.rgba.byteLength === 0)).toBe(true);

    // Other replies copy as before; a failure transfers nothing.
    expect((await send({ type: 'stop', id: 3 })).transfer).toEqual([]);
    expect((await send({ type: 'results', id: 4 })).transfer).toEqual([]);
  });

  it('lists each buffer once, masks too, and never a SharedArrayBuffer', () => {
    const shared = new ArrayBuffer(2 * 4 * 4);
    const tile = (rgba: Uint8ClampedArray, mask?: Int32Array) => ({ height: 2, width: 2, rgba, caption: 'x', ...(mask ? { mask } : {}) });
    const batch: BatchTiles = {
      draw: 0,
      tiles: [tile(new Uint8ClampedArray(shared, 0, 16), new Int32Array(4)), tile(new Uint8ClampedArray(shared, 16, 16)), tile(new Uint8ClampedArray(new SharedArrayBuffer(16)))],
    };
    expect(transferList('drawBatch', batch)).toEqual([shared, batch.tiles[0].mask!.buffer]);
  });
});
