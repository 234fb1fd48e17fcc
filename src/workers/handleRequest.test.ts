import { describe, expect, it } from 'vitest';
import { decodeInNode } from '../io/node/nodeDecode';
import { handleRequest } from './handleRequest';
import type { Request } from './protocol';
import { TrainSession } from './trainSession';

describe('handleRequest (the worker side of TrainApi)', () => {
  it('answers a request with its typed reply and refuses one it does not know, by name', async () => {
    const session = new TrainSession(decodeInNode, () => {});
    expect(await handleRequest(session, { type: 'stop', id: 1 })).toBe(false);
    await expect(handleRequest(session, { type: 'results', id: 2 })).rejects.toThrow(/first/i);
    // A page newer than its worker (a cached worker script) sends a name the worker lacks.
    await expect(handleRequest(session, { type: 'exportOnnx', id: 3 } as unknown as Request)).rejects.toThrow('The training worker has no request "exportOnnx"');
  });
});
