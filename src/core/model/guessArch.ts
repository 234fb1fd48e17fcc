import type { Task } from '../data/types';
import type { ArchSpec } from './archSpec';
import { MOBILENET_V2, type KnownBody } from './bodies';

/**
 * The architecture the studio proposes for a task before the person picks one, as fastai's
 * lesson 3 would: an ImageNet body with a new head (`cnn_learner(dls, resnet)`) for classes and
 * tags; a U-Net for masks (on a from-scratch encoder: the built-in ImageNet body's features are
 * too coarse at the small sizes masks train at here). For points, a small CNN from scratch: the
 * frozen body's features reach the head globally pooled, which loses where things are. On
 * headpose_tiny (64 px, 5 epochs, auto rate) the frozen MobileNetV2 missed by 20.6 px, worse than
 * the mean point's 15.8; the small CNN by 8.1 (bench/QUALITY.md). Lesson 3 unfreezes the body
 * for points, which costs minutes an epoch on wasm.
 * @example guessArch('multi', '/') // { kind: 'pretrained', url: '/models/mobilenet_v2/model.json' }
 */
export function guessArch(task: Task | undefined, baseUrl: string): ArchSpec {
  if (task === 'segmentation') return { kind: 'unet', encoder: 'smallCnn' };
  if (task === 'points') return { kind: 'smallCnn' };
  return pretrainedArch(MOBILENET_V2, baseUrl);
}

/** A known body as the learner's architecture, its URL under the app's base for the built-in ones. */
export function pretrainedArch(body: KnownBody, baseUrl: string): Extract<ArchSpec, { kind: 'pretrained' }> {
  // The body's settings are spelled out, so studio.json records the scaling and cut it trained with.
  const cut = body.cut ? { cut: body.cut } : {};
  return { kind: 'pretrained', url: body.builtIn ? `${baseUrl}${body.url}` : body.url, ...cut, normalization: body.normalization, minSide: body.minSide };
}
