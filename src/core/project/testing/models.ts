/** Test helpers for bundles: models saved to memory, and files served as a web server would. */
import * as tf from '@tensorflow/tfjs';
import { saveArtifacts } from '../../train/weights';
import type { BundleFiles } from '../bundle';

/** A model's artifacts, as `learn.save()` returns them. */
export const savedArtifacts = saveArtifacts;

/** What `tf.loadLayersModel(url)` does with files on a server: fetch model.json, then each weights path beside it. */
export function servedFrom(files: BundleFiles, base: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const bytes = url.startsWith(base) ? files[url.slice(base.length)] : undefined;
    return bytes ? new Response(bytes.slice().buffer as ArrayBuffer, { status: 200 }) : new Response('not found', { status: 404 });
  }) as typeof fetch;
}

/** The model's outputs for `x` as plain numbers. */
export async function predictions(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  y.dispose();
  return data;
}
