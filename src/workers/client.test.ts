import { describe, expect, it } from 'vitest';
import { createTrainClient, type WorkerPort } from './client';
import type { FromWorker, Request, WorkerEvent } from './protocol';

/** A worker stand-in: records requests; the test answers them, posts events or crashes it. */
function fakePort() {
  const sent: Request[] = [];
  let onMessage: (e: MessageEvent<FromWorker>) => void = () => {};
  let onError: (e: ErrorEvent) => void = () => {};
  const port: WorkerPort = {
    postMessage: (m) => void sent.push(m),
    addEventListener: (type: 'message' | 'error', l: ((e: MessageEvent<FromWorker>) => void) | ((e: ErrorEvent) => void)) => {
      if (type === 'message') onMessage = l as (e: MessageEvent<FromWorker>) => void;
      else onError = l as (e: ErrorEvent) => void;
    },
    terminate: () => {},
  };
  return { port, sent, post: (m: FromWorker) => onMessage({ data: m } as MessageEvent<FromWorker>), crash: (message: string) => onError({ message } as ErrorEvent) };
}

describe('the training client', () => {
  it('gives each request an id and settles it with its own reply or failure, in any order', async () => {
    const w = fakePort();
    const client = createTrainClient(w.port);
    const fit = client.fit(3, [1e-5, 1e-3], true, 0, false, { pctStart: 0.3 });
    const stop = client.stop();
    expect(w.sent.map((r) => r.type)).toEqual(['fit', 'stop']);
    expect(w.sent[0]).toMatchObject({ epochs: 3, lr: [1e-5, 1e-3], oneCycle: true, cycle: { pctStart: 0.3 } });
    w.post({ type: 'reply', id: w.sent[1].id, value: true });
    w.post({ type: 'failure', id: w.sent[0].id, message: 'The LR finder is still running' });
    await expect(stop).resolves.toBe(true);
    await expect(fit).rejects.toThrow('The LR finder is still running');
  });

  it('hands events to listeners until they unsubscribe', () => {
    const w = fakePort();
    const client = createTrainClient(w.port);
    const seen: WorkerEvent[] = [];
    const off = client.onEvent((e) => seen.push(e));
    const row: WorkerEvent = { type: 'epoch', fit: 0, epoch: 0, trainLoss: 1, validLoss: 1, metrics: {}, seconds: 1 };
    w.post(row);
    off();
    w.post(row);
    expect(seen).toEqual([row]);
  });

  it('a worker that dies fails every pending request with what to do', async () => {
    const w = fakePort();
    const client = createTrainClient(w.port);
    const fit = client.fit(40, 1e-2, true);
    const results = client.results();
    w.crash('Out of memory');
    await expect(fit).rejects.toThrow('The training worker failed: Out of memory. Reload the page');
    await expect(results).rejects.toThrow('The training worker failed');
  });
});
