import type { DecodeHint, ImageDecoder, RawImage } from '../core/data/types';

/** A decode job sent to a pool worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly hint?: DecodeHint;
}

/** A pool worker's answer: the pixels, or why the file could not be decoded. */
export type DecodeReply = { readonly id: number; readonly image: RawImage } | { readonly id: number; readonly error: string };

/** The part of a Worker the pool uses. */
export interface DecodePort {
  postMessage(message: DecodeRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<DecodeReply>) => void): void;
  /** A worker that died (a picture too large for its memory): its jobs will never be answered. */
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate(): void;
}

/** A decoder backed by workers, and how many it runs. */
export interface DecodePool {
  readonly decode: ImageDecoder;
  readonly size: number;
  close(): void;
}

/**
 * Spreads decoding over `size` workers: each job goes to the worker with the fewest jobs in
 * flight. Reading the file stays on the calling thread (cheap: the bytes of a File or a zip
 * entry); decoding, scaling and the pixel read-back happen in the workers, in parallel.
 * @example const pool = makeDecodePool(4, () => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' }));
 */
export function makeDecodePool(size: number, spawn: () => DecodePort): DecodePool {
  const pending = new Map<number, { worker: number; resolve: (i: RawImage) => void; reject: (e: Error) => void }>();
  const start = (index: number): DecodePort => {
    const w = spawn();
    w.addEventListener('message', (e) => {
      const job = pending.get(e.data.id);
      if (!job) return;
      pending.delete(e.data.id);
      inFlight[index]--;
      if ('image' in e.data) job.resolve(e.data.image);
      else job.reject(new Error(e.data.error));
    });
    // A dead worker's pictures fail with a reason (the build skips and lists them) and a fresh
    // worker takes its place, instead of the build waiting forever on answers that never come.
    w.addEventListener('error', (e) => {
      for (const [id, job] of pending) {
        if (job.worker !== index) continue;
        pending.delete(id);
        job.reject(new Error(`the decoder stopped on it (${e.message || 'out of memory?'}); a picture this large may need to be made smaller first`));
      }
      inFlight[index] = 0;
      w.terminate();
      workers[index] = start(index);
    });
    return w;
  };
  const count = Math.max(1, size);
  const inFlight = Array.from({ length: count }, () => 0);
  const workers: DecodePort[] = [];
  for (let i = 0; i < count; i++) workers.push(start(i));
  let nextId = 1;
  const decode: ImageDecoder = async (file, hint) => {
    // A copy, because the transfer detaches its buffer: the file's own bytes may be a view into
    // a whole zip, or cached for the next build.
    const bytes = (await file.read()).slice();
    const worker = inFlight.indexOf(Math.min(...inFlight));
    inFlight[worker]++;
    return new Promise<RawImage>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { worker, resolve, reject });
      workers[worker].postMessage({ id, bytes, hint }, [bytes.buffer]);
    });
  };
  return { decode, size: workers.length, close: () => workers.forEach((w) => w.terminate()) };
}

/** Workers for this machine: one per core up to 4, at least 1 (the page and the trainer need the rest). */
export function poolSizeFor(cores: number | undefined): number {
  return Math.max(1, Math.min(4, cores ?? 2));
}
