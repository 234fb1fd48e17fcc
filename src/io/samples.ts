import type { SourceFile } from '../core/data/types';

/** One built-in sample as listed in `samples/index.json` (written by scripts/buildSamples.ts). */
export interface SampleInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
}

/** Reads the list of built-in samples served next to the app. */
export async function listSamples(base = import.meta.env.BASE_URL): Promise<SampleInfo[]> {
  const res = await fetch(`${base}samples/index.json`);
  if (!res.ok) throw new Error(`samples/index.json could not be loaded (HTTP ${res.status}); run npm run samples`);
  return (await res.json()).samples as SampleInfo[];
}

/**
 * Fetches every file of a sample, a few at a time, so the data block sees real bytes and
 * sizes exactly as if the person had chosen the folder.
 */
export async function loadSample(sample: SampleInfo, base = import.meta.env.BASE_URL, onProgress?: (done: number, total: number) => void): Promise<SourceFile[]> {
  const out: SourceFile[] = new Array(sample.files.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < sample.files.length) {
      const i = next++;
      const path = sample.files[i];
      const res = await fetch(`${base}samples/${sample.name}/${path}`);
      if (!res.ok) throw new Error(`samples/${sample.name}/${path}: HTTP ${res.status}`);
      const data = new Uint8Array(await res.arrayBuffer());
      out[i] = { path, size: data.length, read: async () => data };
      onProgress?.(++done, sample.files.length);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}
