import type { Task } from '../core/data/types';
import { smallCnn } from '../core/model/smallCnn';
import type { GroupedModel } from '../core/model/types';
import type { ArchSpec } from './protocol';

/** Output width of the network for a task: classes (single, multi), codes (per pixel) or 2 (a point). */
export function outputsFor(task: Task, numClasses: number): number {
  return task === 'points' ? 2 : numClasses;
}

/**
 * Builds the network a person picked. Architectures land one by one; an unknown one is a clear
 * error, never a silent substitute.
 */
export async function buildModel(arch: ArchSpec, task: Task, numClasses: number, size: number): Promise<GroupedModel> {
  const numOut = outputsFor(task, numClasses);
  if (task === 'segmentation' && arch.kind !== 'unet') throw new Error('Segmentation needs a U-Net: choose "U-Net" as the architecture');
  switch (arch.kind) {
    case 'smallCnn':
      return smallCnn(numOut, size);
    default:
      throw new Error(`Architecture "${arch.kind}" is not available yet`);
  }
}

/** A short name for the architecture, for the learner summary. */
export function archName(arch: ArchSpec): string {
  switch (arch.kind) {
    case 'smallCnn':
      return 'small CNN';
    case 'xresnet':
      return `xresnet (${arch.depth ?? 'tiny'})`;
    case 'pretrained':
      return `pretrained backbone from ${arch.url}`;
    case 'unet':
      return `U-Net on ${arch.encoder}`;
  }
}
