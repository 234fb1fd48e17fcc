/** The slice of a page's or worker's MessageChannel used here (core is type-checked without the DOM's types). */
interface TaskChannel {
  readonly port1: { onmessage: (() => void) | null; close(): void };
  readonly port2: { postMessage(message: null): void };
}

/**
 * Lets the event loop run queued tasks (a worker's Stop message among them) before the next batch.
 * On wasm and cpu every `await` in the training loop settles as a microtask, so without a real
 * task boundary a worker never reads its inbox until the whole fit has ended. A MessageChannel
 * round trip is a task without setTimeout's 4 ms clamp; Node has setImmediate for the same.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new (globalThis as unknown as { MessageChannel: new () => TaskChannel }).MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
