import * as tf from '@tensorflow/tfjs';
import type { DataBlock } from './block';
import { makeDataLoaders } from './block';
import type { BlockItem } from './decode';
import { makeExample } from './examples';
import type { DataBlockSpec, Label } from './types';

/** Items per class in each split (for multi-label, items carrying each tag). */
export interface ClassCounts {
  readonly name: string;
  readonly train: number;
  readonly valid: number;
}

/** Counts how many items of each class are in each split; empty for points. */
export function countByClass(block: DataBlock): ClassCounts[] {
  const count = (items: readonly BlockItem[]) => {
    const n = new Array(block.classes.length).fill(0);
    for (const d of items) for (const id of classIds(d.item.label)) n[id]++;
    return n;
  };
  if (block.task === 'segmentation' || block.task === 'points') return [];
  const train = count(block.train);
  const valid = count(block.valid);
  return block.classes.map((name, i) => ({ name, train: train[i], valid: valid[i] }));
}

function classIds(label: Label): readonly number[] {
  return label.kind === 'class' ? [label.id] : label.kind === 'multi' ? label.ids : [];
}

/** Describes a label in words: class names, tags, a mask file or a point. */
export function describeLabel(label: Label, classes: readonly string[]): string {
  switch (label.kind) {
    case 'class':
      return classes[label.id];
    case 'multi':
      return label.ids.map((i) => classes[i]).join(' ') || '(no tags)';
    case 'mask':
      return `mask ${label.file.path}`;
    case 'point':
      return `point (${label.x}, ${label.y})`;
  }
}

/**
 * Walks one item and one batch through every step and says what each produced, as fastai's
 * `DataBlock.summary`: a person reads it to see where a pipeline goes wrong.
 */
export async function summarize(block: DataBlock, spec: DataBlockSpec): Promise<string[]> {
  const lines = block.steps.map((s) => `${s.step}: ${s.text}`);
  if (!block.ok) {
    const first = block.problems.find((p) => p.blocking);
    return [...lines, `stopped: ${first?.message ?? 'see the problems listed'}`];
  }
  const d = await block.pixels.load(block.train[0]);
  lines.push(`one item: ${d.item.path}`, `  decoded: ${d.image.width}x${d.image.height} RGBA`, `  label: ${describeLabel(d.item.label, block.classes)}`);
  const ex = makeExample(d, spec.transforms, block.task, block.classes.length, null);
  lines.push(`  resized (${spec.transforms.resize}): ${ex.height}x${ex.width}x3 uint8`, `  target: ${describeTarget(ex.target)}`);
  const loaders = makeDataLoaders(block, spec);
  const it = loaders.train.batches(0);
  const first = await it.next();
  await it.return(undefined);
  if (first.value) {
    const { x, y } = first.value;
    const [mean, std] = tf.tidy(() => {
      const m = tf.moments(x);
      return [m.mean.dataSync()[0], Math.sqrt(m.variance.dataSync()[0])];
    });
    lines.push(`one batch: x ${x.dtype} [${x.shape.join(', ')}] mean ${mean.toFixed(3)} std ${std.toFixed(3)}; y ${y.dtype} [${y.shape.join(', ')}]`);
    tf.dispose([x, y]);
  }
  lines.push(`batches per epoch: ${loaders.train.batchCount} training, ${loaders.valid.batchCount} validation (batch size ${spec.batch.batchSize})`);
  return lines;
}

function describeTarget(target: Uint8Array | Float32Array | readonly number[]): string {
  if (target instanceof Uint8Array) return `mask ${Math.round(Math.sqrt(target.length))}² class ids, values {${[...new Set(target)].sort((a, b) => a - b).join(', ')}}`;
  const values = Array.from(target as ArrayLike<number>);
  return values.length > 12 ? `multi-hot of ${values.length}: [${values.join(', ')}]` : `[${values.map((v) => +v.toFixed(3)).join(', ')}]`;
}
