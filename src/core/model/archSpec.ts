import type { BodyNormalization } from './bodyNormalization';

/** Which network to build (`buildModel`): what the learner cell, the worker and the command line pick. */
export type ArchSpec =
  | { readonly kind: 'smallCnn' }
  | { readonly kind: 'xresnet'; readonly depth?: 'tiny' | 'small' }
  /**
   * A backbone in tfjs layers format, cut, with fastai's head; starts frozen. It loads from
   * `files` (a dropped `model.json` and its `.bin` shards, passed to the worker as Files) when
   * given, else from `url`.
   */
  | {
      readonly kind: 'pretrained';
      readonly url: string;
      readonly files?: readonly File[];
      /** The layer the body ends at; the known body's default, else `findCut`'s rule. */
      readonly cut?: string;
      /** The input scaling the body was trained with; the known body's, else the data block's own. */
      readonly normalization?: BodyNormalization;
      /** Smaller pictures are scaled up inside the model to at least this side (the known body's, else none). */
      readonly minSide?: number;
    }
  /** A U-Net (segmentation) on an encoder built from scratch, or on the pretrained backbone at `url` (required then). */
  | { readonly kind: 'unet'; readonly encoder: 'smallCnn' | 'xresnet' | 'pretrained'; readonly url?: string; readonly cut?: string; readonly normalization?: BodyNormalization };
