/**
 * Batch preparation off the training thread: a pool of workers that each run `prepareBatch`.
 * The pool knows workers only through `PreparePort`, so the same code drives a browser module
 * Worker (spawned by the training worker) and a Node `worker_threads` Worker (benchmarks, tests).
 */
import { prepareBatch, transferablesOf, type PrepareJob, type PreparedBatch } from './prepare';

/** A job sent to a preparation worker. */
export interface PrepareRequest {
  readonly id: number;
  readonly job: PrepareJob;
}

/** A preparation worker's answer: the batch, or why it could not be made. */
export type PrepareReply = { readonly id: number; readonly batch: PreparedBatch } | { readonly id: number; readonly error: string };

/** The part of a worker the pool uses, whatever the platform's Worker looks like. */
export interface PreparePort {
  /** Sends a job; its pixels are copied (the loader keeps them for the next epochs). */
  post(request: PrepareRequest): void;
  onReply(listener: (reply: PrepareReply) => void): void;
  /** The worker died: its jobs will never be answered. */
  onFailure(listener: (message: string) => void): void;
  terminate(): void;
}

/** Prepares training batches elsewhere, `size` at a time. */
export interface BatchPreparer {
  /** Workers in the pool: the loader keeps this many batches in the making, plus one queued. */
  readonly size: number;
  prepare(job: PrepareJob): Promise<PreparedBatch>;
  close(): void;
}

/**
 * The worker side: answers one request, with the buffers to transfer back.
 * @example self.onmessage = (e) => { const { reply, transfer } = answerPrepare(e.data); self.postMessage(reply, transfer); };
 */
export function answerPrepare(request: PrepareRequest): { reply: PrepareReply; transfer: ArrayBuffer[] } {
  try {
    const batch = prepareBatch(request.job);
    return { reply: { id: request.id, batch }, transfer: transferablesOf(batch) };
  } catch (e) {
    return { reply: { id: request.id, error: (e as Error).message }, transfer: [] };
  }
}

/**
 * Spreads jobs over `size` workers, each to the one with the fewest in flight. Workers start on
 * the first job, so a block that never trains on wasm or CPU never spawns one; a worker that dies
 * fails its jobs with the reason and is replaced.
 * @example const pool = makePreparePool(2, () => browserPort(new Worker(url, { type: 'module' })));
 */
export function makePreparePool(size: number, spawn: () => PreparePort): BatchPreparer {
  const count = Math.max(1, size);
  const pending = new Map<number, { worker: number; resolve: (b: PreparedBatch) => void; reject: (e: Error) => void }>();
  const inFlight = Array.from({ length: count }, () => 0);
  const workers: (PreparePort | null)[] = Array.from({ length: count }, () => null);
  const start = (index: number): PreparePort => {
    const port = spawn();
    port.onReply((reply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      inFlight[index]--;
      if ('batch' in reply) job.resolve(reply.batch);
      else job.reject(new Error(`batch preparation failed: ${reply.error}`));
    });
    port.onFailure((message) => {
      for (const [id, job] of pending) {
        if (job.worker !== index) continue;
        pending.delete(id);
        job.reject(new Error(`the batch-preparation worker stopped: ${message}`));
      }
      inFlight[index] = 0;
      port.terminate();
      workers[index] = null;
    });
    return port;
  };
  let nextId = 1;
  return {
    size: count,
    prepare(job) {
      const worker = inFlight.indexOf(Math.min(...inFlight));
      const port = (workers[worker] ??= start(worker));
      inFlight[worker]++;
      return new Promise<PreparedBatch>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { worker, resolve, reject });
        port.post({ id, job });
      });
    },
    close() {
      for (const [id, job] of pending) {
        pending.delete(id);
        job.reject(new Error('the batch-preparation pool was closed'));
      }
      workers.forEach((w, i) => {
        w?.terminate();
        workers[i] = null;
        inFlight[i] = 0;
      });
    },
  };
}
