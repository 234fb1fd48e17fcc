import { describe, expect, it } from 'vitest';
import { memoryFile } from './node/nodeFiles';
import { makeDecodePool, poolSizeFor, type DecodePort, type DecodeReply, type DecodeRequest } from './decodePool';

/** A worker stand-in that answers each job when `flush` is called, and records what it got. */
function fakeWorker() {
  const jobs: DecodeRequest[] = [];
  let listener: ((e: MessageEvent<DecodeReply>) => void) | null = null;
  let onError: ((e: ErrorEvent) => void) | null = null;
  const port: DecodePort = {
    postMessage: (m) => jobs.push(m),
    addEventListener: (t: 'message' | 'error', l: ((e: MessageEvent<DecodeReply>) => void) | ((e: ErrorEvent) => void)) => {
      if (t === 'message') listener = l as (e: MessageEvent<DecodeReply>) => void;
      else onError = l as (e: ErrorEvent) => void;
    },
    terminate: () => undefined,
  };
  const crash = (message: string) => onError!({ message } as ErrorEvent);
  const flush = () => {
    for (const j of jobs.splice(0)) {
      const reply: DecodeReply = j.bytes[0] === 0 ? { id: j.id, error: 'the browser cannot decode it' } : { id: j.id, image: { width: j.bytes.length, height: 1, data: new Uint8Array(4 * j.bytes.length) } };
      listener!({ data: reply } as MessageEvent<DecodeReply>);
    }
  };
  return { port, jobs, flush, crash };
}

describe('makeDecodePool', () => {
  it('spreads jobs over the workers, answers each call with its own picture, and rejects with the worker\u2019s reason', async () => {
    const fakes = [fakeWorker(), fakeWorker()];
    let k = 0;
    const pool = makeDecodePool(2, () => fakes[k++].port);
    const files = [1, 2, 3, 4].map((n) => memoryFile(`f${n}.png`, new Uint8Array(n).fill(7)));
    const calls = [...files.map((f) => pool.decode(f, { shortSide: 8, filter: 'smooth' })), pool.decode(memoryFile('bad.png', new Uint8Array([0])))];
    await new Promise((r) => setTimeout(r, 0));
    expect(fakes.map((f) => f.jobs.length)).toEqual([3, 2]);
    expect(fakes[0].jobs[0].hint).toEqual({ shortSide: 8, filter: 'smooth' });
    fakes.forEach((f) => f.flush());
    const settled = await Promise.allSettled(calls);
    expect(settled.slice(0, 4).map((s) => (s.status === 'fulfilled' ? s.value.width : -1))).toEqual([1, 2, 3, 4]);
    expect(settled[4]).toMatchObject({ status: 'rejected', reason: new Error('the browser cannot decode it') });
  });

  it('a worker that dies fails its own pictures with a reason, and a fresh worker takes the next ones', async () => {
    const fakes = [fakeWorker(), fakeWorker()];
    let k = 0;
    const pool = makeDecodePool(1, () => fakes[k++].port);
    const huge = pool.decode(memoryFile('huge.png', new Uint8Array(3).fill(7)));
    await new Promise((r) => setTimeout(r, 0));
    fakes[0].crash('Out of memory');
    await expect(huge).rejects.toThrow(/decoder stopped on it \(Out of memory\)/);
    const next = pool.decode(memoryFile('next.png', new Uint8Array(2).fill(7)));
    await new Promise((r) => setTimeout(r, 0));
    expect(fakes[1].jobs).toHaveLength(1);
    fakes[1].flush();
    expect((await next).width).toBe(2);
  });

  it('sends a copy of the bytes, so a file read twice (a rebuild) still has them', async () => {
    const fake = fakeWorker();
    const bytes = new Uint8Array([5, 6, 7]);
    const file = { path: 'a.png', size: 3, read: async () => bytes };
    const pool = makeDecodePool(1, () => fake.port);
    const call = pool.decode(file);
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.jobs[0].bytes).not.toBe(bytes);
    fake.flush();
    await call;
    expect(Array.from(bytes)).toEqual([5, 6, 7]);
  });

  it('sizes the pool from the cores: at least one worker, at most four', () => {
    expect([undefined, 1, 2, 8].map(poolSizeFor)).toEqual([2, 1, 2, 4]);
  });
});
