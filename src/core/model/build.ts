import type * as tf from '@tensorflow/tfjs';
import type { Stats, Task } from '../data/types';
import type { ArchSpec } from './archSpec';
import { knownBody } from './bodies';
import { BODY_NORMALIZATIONS, type BodyNormalization } from './bodyNormalization';
import { makeBody, upscaleFactor, type BodyDescription } from './pretrainedBody';
import { smallCnn } from './smallCnn';
import { pointsModel, transferModel, type TransferOptions } from './transfer';
import type { GroupedModel } from './types';
import { unet } from './unet';
import { xresnet, type XResNetOptions } from './xresnet';

/** What a pretrained body needs to know of the data (a `DataLoaders` has both). */
export interface BodyData {
  readonly height: number;
  readonly width: number;
  readonly stats: Stats;
}

/**
 * How a pretrained backbone in tfjs layers format is loaded: from a URL, or from dropped files
 * (`model.json` and its `.bin` shards). The model code does not fetch or read files itself;
 * the caller passes io's loader (`backboneLoader` of src/io/backbone.ts).
 */
export interface BackboneLoader {
  fromUrl(url: string): Promise<tf.LayersModel>;
  fromFiles(files: readonly File[]): Promise<tf.LayersModel>;
}

/** The options a pretrained body takes from the architecture. */
interface BodyArch {
  readonly url?: string;
  readonly files?: readonly File[];
  readonly cut?: string;
  readonly normalization?: BodyNormalization;
  readonly minSide?: number;
}

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
 * so progressive resizing keeps the learner; a pretrained body saved for one size is rebuilt).
 * `data`: the block's size and normalization; a pretrained body undoes the normalization for its
 * own, and scales pictures smaller than its `minSide` up inside the model.
 * - single / multi: `[B, classes]` logits from smallCnn, xresnet, or a pretrained backbone cut
 *   before its pooling with fastai's `create_head` (layer groups: body stages, then head).
 * - points: `[B, 2]`; the scratch models' dense head with 2 outputs, or the pretrained body with
 *   fastai's head and a tanh, since coordinates live in [-1, 1].
 * - segmentation: `[B, H, W, codes]` from a U-Net on a smallCnn, xresnet or pretrained encoder.
 * A pretrained body should start frozen (`startsFrozen`). Anything else is a clear error.
 * `backbones` loads a pretrained body or encoder; the scratch models never call it.
 */
export async function buildModel(arch: ArchSpec, task: Task, numClasses: number, data: BodyData, backbones: BackboneLoader): Promise<GroupedModel> {
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
      const loaded = arch.files?.length ? await backbones.fromFiles(arch.files) : await backbones.fromUrl(arch.url);
      const backbone = await pretrainedBody(checkBackbone(loaded, source), arch, data);
      return task === 'points' ? pointsModel(backbone, HEAD) : transferModel(backbone, numOut, HEAD);
    }
    case 'unet':
      return unet(await unetEncoder(arch, data, backbones), numOut);
  }
}

/**
 * The loaded model as a body: cut (the arch's cut, the known body's, else `findCut`'s rule),
 * any input size, its own input scaling. The loaded model is freed; the body has its own copy.
 */
async function pretrainedBody(loaded: tf.LayersModel, arch: BodyArch, data: BodyData): Promise<tf.LayersModel> {
  const known = arch.files?.length || !arch.url ? undefined : knownBody(arch.url);
  const minSide = arch.minSide ?? known?.minSide ?? 0;
  try {
    return await makeBody(loaded, {
      cut: arch.cut ?? known?.cut,
      normalization: arch.normalization ?? known?.normalization ?? 'data',
      dataStats: data.stats,
      upscale: upscaleFactor(Math.min(data.height, data.width), minSide),
    });
  } finally {
    loaded.dispose();
  }
}

/** The encoder of a U-Net: built from scratch, or the pretrained backbone at `arch.url`. */
async function unetEncoder(arch: Extract<ArchSpec, { kind: 'unet' }>, data: BodyData, backbones: BackboneLoader): Promise<tf.LayersModel> {
  switch (arch.encoder) {
    case 'smallCnn':
      return smallCnn(1, { name: 'enc' }).model;
    case 'xresnet':
      return xresnet({ numOut: 1, name: 'enc' }).model;
    case 'pretrained':
      if (!arch.url) throw new Error('A U-Net on a pretrained encoder needs the URL of its model.json');
      // A U-Net predicts at the picture's own size: its encoder is never scaled up.
      return pretrainedBody(checkBackbone(await backbones.fromUrl(arch.url), arch.url), { ...arch, minSide: 0 }, data);
  }
}

/**
 * Checks that a loaded backbone takes RGB pictures `[B, H, W, 3]`; its saved height and width
 * do not matter, since the body is rebuilt for any size. A backbone that does not fit is disposed.
 */
export function checkBackbone(model: tf.LayersModel, source: string): tf.LayersModel {
  const shape = model.inputs[0].shape;
  const fail = (message: string): never => {
    model.dispose();
    throw new Error(message);
  };
  if (model.inputs.length !== 1 || shape.length !== 4 || shape[3] !== 3) {
    fail(`The backbone from ${source} takes inputs of shape [${shape.map((d) => d ?? 'any').join(', ')}]; the studio feeds RGB images [batch, height, width, 3]`);
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

/**
 * One line on a built pretrained body for the Learner cell, or null for a from-scratch model.
 * @example "cut at block_13_expand_relu (576 channels); input scaling [0, 1] (pixel / 255); pictures scaled up 4x inside the model"
 */
export function bodyLine(arch: ArchSpec, body: BodyDescription | null): string | null {
  if (!body || (arch.kind !== 'pretrained' && arch.kind !== 'unet')) return null;
  const known = arch.kind === 'pretrained' && !arch.files?.length ? knownBody(arch.url) : arch.kind === 'unet' && arch.url ? knownBody(arch.url) : undefined;
  const norm = arch.normalization ?? known?.normalization ?? 'data';
  const scaling = BODY_NORMALIZATIONS.find(([n]) => n === norm)?.[1] ?? norm;
  const up = body.upscale > 1 ? `; pictures scaled up ${body.upscale}x inside the model` : '';
  return `cut at ${body.cut} (${body.channels} channels); input scaling ${scaling}${up}`;
}
