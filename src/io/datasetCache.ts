/**
 * Datasets downloaded from a URL (fastai's `untar_data`), kept in the browser's Cache Storage so
 * the next visit does not download them again: the archive as it came, under its URL.
 */
const CACHE = 'studio-datasets';
const SIZE_HEADER = 'x-studio-bytes';

/** A kept download: its address and its size in bytes. */
export interface CachedDataset {
  readonly url: string;
  readonly bytes: number;
}

/**
 * The archive at `url`: from the cache when it was downloaded before, else downloaded with
 * progress (`onProgress(received, total)`, total 0 when the server does not say) and kept.
 * A server that refuses cross-origin reads, or cannot be reached, gets a message that says so.
 */
export async function fetchDataset(url: string, onProgress: (received: number, total: number) => void = () => {}): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const cache = await openCache();
  const hit = await cache?.match(url);
  if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), cached: true };
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors' });
  } catch {
    throw new Error(
      `${url} could not be read: the server refused a cross-origin request from this page (it sends no Access-Control-Allow-Origin header) or could not be reached. ` +
        'Download the archive yourself and drop it on the page instead.',
    );
  }
  if (!response.ok) throw new Error(`${url}: the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  const bytes = await readWithProgress(response, onProgress);
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { [SIZE_HEADER]: String(bytes.length) } }));
  return { bytes, cached: false };
}

/** Every kept download, with its size. */
export async function cachedDatasets(): Promise<CachedDataset[]> {
  const cache = await openCache();
  if (!cache) return [];
  const keys = await cache.keys();
  return Promise.all(keys.map(async (k) => ({ url: k.url, bytes: Number((await cache.match(k))?.headers.get(SIZE_HEADER) ?? 0) })));
}

/** Forgets a kept download. */
export async function forgetDataset(url: string): Promise<void> {
  await (await openCache())?.delete(url);
}

/** Cache Storage exists only in secure contexts (https, localhost); elsewhere nothing is kept. */
async function openCache(): Promise<Cache | null> {
  return typeof caches === 'undefined' ? null : caches.open(CACHE);
}

async function readWithProgress(response: Response, onProgress: (received: number, total: number) => void): Promise<Uint8Array> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received, total);
  }
  const out = new Uint8Array(received);
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}
