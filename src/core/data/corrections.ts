import type { DataBlock } from './block';
import type { DecodedItem } from './decode';
import type { ImageDecoder, Label, SourceFile } from './types';

/** A picture a person says the model got wrong, with the right label (a class, or space-separated tags). */
export interface Correction {
  readonly file: SourceFile;
  readonly label: string;
}

/**
 * The data block with the corrections added to its training set, each repeated so that together
 * they fill about one batch per epoch: a handful of pictures among hundreds would otherwise
 * barely move the weights in a short fine-tuning run.
 * @throws Error naming the file when its label is not one of the block's classes or tags
 */
export async function withCorrections(block: DataBlock, corrections: readonly Correction[], decode: ImageDecoder, batchSize: number): Promise<DataBlock> {
  if (block.task !== 'single' && block.task !== 'multi') throw new Error(`Corrections are collected for classification; this data is a ${block.task} task.`);
  if (corrections.length === 0) throw new Error('There are no corrections yet: mark a prediction as wrong and give the right label first.');
  const decoded: DecodedItem[] = [];
  for (const c of corrections) {
    const label = labelOf(c, block);
    decoded.push({ item: { path: `corrections/${c.file.path}`, file: c.file, label }, image: await decode(c.file) });
  }
  const repeat = Math.max(1, Math.ceil(batchSize / decoded.length));
  const extra = Array.from({ length: repeat }, () => decoded).flat();
  return { ...block, train: [...block.train, ...extra] };
}

function labelOf(c: Correction, block: DataBlock): Label {
  const names = block.task === 'multi' ? c.label.split(/\s+/).filter((t) => t !== '') : [c.label.trim()];
  const unknown = names.filter((n) => !block.classes.includes(n));
  if (unknown.length > 0) throw new Error(`${c.file.path}: "${unknown.join(' ')}" is not one of the classes (${block.classes.join(', ')}).`);
  const ids = names.map((n) => block.classes.indexOf(n));
  return block.task === 'multi' ? { kind: 'multi', ids } : { kind: 'class', id: ids[0] };
}
