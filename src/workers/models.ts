import type * as tf from '@tensorflow/tfjs';
import type { Task } from '../core/data/types';
import { smallCnn } from '../core/model/smallCnn';
import { pointsModel, transferModel, type TransferOptions } from '../core/model/transfer';
import type { GroupedModel } from '../core/model/types';
import { unet } from '../core/model/unet';
import { xresnet, type XResNetOptions } from '../core/model/xresnet';
import { loadBackboneFromFiles, loadBackboneFromUrl } from '../io/backbone';
import type { ArchSpec } from './protocol';

/** Output width of the network for a task: classes (single, multi), codes (per pixel) or 2 (a point). */
export function outputsFor(task: Task, numClasses: number): number {
  return task === 'points' ? 2 : numClasses;
}

/** The xresnet sizes a person can pick: tiny (~130k parameters) and small (four stages, ~280k). */
const XRESNET_DEPTHS: Record<'tiny' | 'small', Omit<XResNetOptions, 'numOut'>> = {
  tiny: {},
  small: { stem: [16, 16, 32], channels: [32, 48, 64, 96], blocks: [1, 1, 1, 1] },
};

/** fastai's head on a pretrained body, narrower than fastai's 512 to suit the small backbones. */
const HEAD: TransferOptions = { hidden: 128 };

/**
 * Builds the network a person picked, for any image size (every model takes `[null, null, 3]`,
 * so progressive resizing keeps the learner; `size` only checks a backbone saved for a fixed size).
 * - single / multi: `[B, classes]` logits from smallCnn, xresnet, or a pretrained backbone cut
 *   before its pooling with fastai's `create_head` (layer groups: body stages, then head).
 * - points: `[B, 2]`; the scratch models' dense head with 2 outputs, or the pretrained body with
 *   fastai's head and a tanh, since coordinates live in [-1, 1].
 * - segmentation: `[B, H, W, codes]` from a U-Net on a smallCnn, xresnet or pretrained encoder.
 * A pretrained body should start frozen (`startsFrozen`). Anything else is a clear error.
 */
export async function buildModel(arch: ArchSpec, task: Task, numClasses: number, size: number): Promise<GroupedModel> {
  const numOut = outputsFor(task, numClasses);
  if (task === 'segmentation' && arch.kind !== 'unet') throw new Error('Segmentation needs a U-Net: choose "U-Net" as the architecture');
  if (task !== 'segmentation' && arch.kind === 'unet') throw new Error(`A U-Net predicts a class for every pixel, for segmentation; this data is a ${task} task: choose another architecture`);
  switch (arch.kind) {
    case 'smallCnn':
      return smallCnn(numOut);
    case 'xresnet':
      return xresnet({ numOut, ...XRESNET_DEPTHS[arch.depth ?? 'tiny'] });
    case 'pretrained': {
      const source = arch.files?.length ? `dropped ${arch.files.map((f) => f.name).join(', ')}` : arch.url;
      const loaded = arch.files?.length ? await loadBackboneFromFiles(arch.files) : await loadBackboneFromUrl(arch.url);
      const backbone = checkBackbone(loaded, source, size);
      return dropUnused(backbone, task === 'points' ? pointsModel(backbone, HEAD) : transferModel(backbone, numOut, HEAD));
    }
    case 'unet': {
      const encoder = await unetEncoder(arch, size);
      return dropUnused(encoder, unet(encoder, numOut));
    }
  }
}

/** Frees the weights of the source model's layers the new model left out (its old classifier). */
function dropUnused(source: tf.LayersModel, built: GroupedModel): GroupedModel {
  const kept = new Set(built.model.layers);
  source.layers.filter((l) => !kept.has(l) && l.weights.length > 0).forEach((l) => l.dispose());
  return built;
}

/** The encoder of a U-Net: built from scratch, or the pretrained backbone at `arch.url`. */
async function unetEncoder(arch: Extract<ArchSpec, { kind: 'unet' }>, size: number): Promise<tf.LayersModel> {
  switch (arch.encoder) {
    case 'smallCnn':
      return smallCnn(1, { name: 'enc' }).model;
    case 'xresnet':
      return xresnet({ numOut: 1, name: 'enc' }).model;
    case 'pretrained':
      if (!arch.url) throw new Error('A U-Net on a pretrained encoder needs the URL of its model.json');
      return checkBackbone(await loadBackboneFromUrl(arch.url), arch.url, size);
  }
}

/**
 * Checks that a loaded backbone takes what the data block makes: `[B, H, W, 3]`, and `size` x
 * `size` when it was saved for a fixed size. A backbone that does not fit is disposed.
 */
export function checkBackbone(model: tf.LayersModel, source: string, size: number): tf.LayersModel {
  const shape = model.inputs[0].shape;
  const fail = (message: string): never => {
    model.dispose();
    throw new Error(message);
  };
  if (model.inputs.length !== 1 || shape.length !== 4 || shape[3] !== 3) {
    fail(`The backbone from ${source} takes inputs of shape [${shape.map((d) => d ?? 'any').join(', ')}]; the studio feeds RGB images [batch, height, width, 3]`);
  }
  const [h, w] = [shape[1], shape[2]];
  if ((h != null && h !== size) || (w != null && w !== size)) {
    fail(`The backbone from ${source} was saved for ${h ?? 'any'}x${w ?? 'any'} images, but the data block makes ${size}x${size}: set the size to match`);
  }
  return model;
}

/**
 * True when the learner should start frozen (head only), as fastai's `cnn_learner` and
 * `unet_learner` do with a pretrained body; `TrainSession.buildLearner` calls `learn.freeze()`.
 */
export function startsFrozen(arch: ArchSpec): boolean {
  return arch.kind === 'pretrained' || (arch.kind === 'unet' && arch.encoder === 'pretrained');
}

/** A short name for the architecture, for the learner summary. */
export function archName(arch: ArchSpec): string {
  switch (arch.kind) {
    case 'smallCnn':
      return 'small CNN';
    case 'xresnet':
      return `xresnet (${arch.depth ?? 'tiny'})`;
    case 'pretrained':
      return arch.files?.length ? `pretrained backbone from dropped ${arch.files.find((f) => f.name.endsWith('.json'))?.name ?? 'files'}` : `pretrained backbone from ${arch.url}`;
    case 'unet':
      return arch.encoder === 'pretrained' ? `U-Net on the pretrained backbone from ${arch.url ?? '?'}` : `U-Net on ${arch.encoder}`;
  }
}
