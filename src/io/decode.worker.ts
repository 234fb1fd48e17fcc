/// <reference lib="webworker" />
import type { DecodeRequest, DecodeReply } from './decodePool';
import { decodeBytes } from './browserDecode';

// One decoder of the pool: bytes in, RGBA pixels (scaled by the hint) out, buffers transferred.
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.addEventListener('message', async (e: MessageEvent<DecodeRequest>) => {
  const { id, bytes, hint } = e.data;
  try {
    const image = await decodeBytes(bytes, hint);
    const reply: DecodeReply = { id, image };
    scope.postMessage(reply, [image.data.buffer as ArrayBuffer]);
  } catch (err) {
    const reply: DecodeReply = { id, error: (err as Error).message };
    scope.postMessage(reply);
  }
});
