import type { SizeSpec } from './sizeSpec';

/**
 * Plain data shared by every step of the data block. Nothing here touches the DOM,
 * so the same types describe files dropped in a browser and files read in Node.
 */

/** A file the studio can read: its path relative to the chosen root, and its bytes on demand. */
export interface SourceFile {
  /** Forward-slash path relative to the root the person chose, e.g. `train/3/7463.png`. */
  readonly path: string;
  /** Size in bytes (0 means the file is empty and cannot be an image). */
  readonly size: number;
  /** Reads the whole file. */
  read(): Promise<Uint8Array>;
}

/** Decoded pixels, always RGBA, row-major, 4 bytes per pixel. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
  /**
   * The size of the file's picture before a decoder scaled it down (see `DecodeHint`); absent
   * when the pixels are at the file's own size. A mask is checked against its image at this size.
   */
  readonly sourceWidth?: number;
  readonly sourceHeight?: number;
}

/**
 * Lets a decoder that can scale while it decodes (the browser's `createImageBitmap`) return a
 * smaller picture: only the scaled pixels are ever read back and kept. A decoder may ignore it.
 */
export interface DecodeHint {
  /** A picture whose shorter side is longer is scaled so that side is this long, aspect kept. */
  readonly shortSide: number;
  /** `smooth` for pictures; `nearest` for masks, whose values are class ids and must not blend. */
  readonly filter: 'smooth' | 'nearest';
}

/** Turns an encoded image into RGBA pixels; injected because decoding differs in Node and in a browser. */
export type ImageDecoder = (file: SourceFile, hint?: DecodeHint) => Promise<RawImage>;

/** What kind of problem the person has to look at. Errors stop the block; warnings do not. */
export type ProblemLevel = 'error' | 'warning';

/** One problem with the input, precise enough to find it: the file, the CSV line or the spec field. */
export interface Problem {
  readonly level: ProblemLevel;
  readonly message: string;
  readonly file?: string;
  /** 1-based line in the CSV file, counting the header as line 1. */
  readonly line?: number;
  /** Dotted path of the DataBlockSpec field at fault, e.g. `label.column`. */
  readonly field?: string;
  /**
   * True when the block cannot be built until this is fixed (no images, a missing column).
   * Other problems skip one item and list it; everything valid is kept.
   */
  readonly blocking?: boolean;
}

/** The learning task implied by the labels. */
export type Task = 'single' | 'multi' | 'segmentation' | 'points';

/** Where the items come from. */
export type ItemsSpec =
  | {
      readonly kind: 'folder';
      /** Only files under this sub-folder (e.g. `images` for a CamVid layout); empty means all. */
      readonly folder?: string;
    }
  | {
      readonly kind: 'csv';
      /** Path of the CSV among the chosen files, e.g. `labels.csv`. */
      readonly csvPath: string;
      /** Column holding the file name. */
      readonly fileColumn: string;
      /** Folder that the names are relative to (Planet: `train`). */
      readonly folder?: string;
      /** Suffix to append to each name (Planet: `.png`, since the CSV leaves it off). */
      readonly suffix?: string;
    };

/** How each item gets its label. */
export type LabelSpec =
  | { readonly kind: 'parentFolder' }
  | {
      readonly kind: 'csvColumn';
      readonly column: string;
      /** Set for multi-label: the tags in the cell are split on it (usually a space). */
      readonly separator?: string;
    }
  | {
      readonly kind: 'regex';
      /** Applied to the file name; the first capture group is the label. */
      readonly pattern: string;
    }
  | {
      readonly kind: 'mask';
      /**
       * Where the mask lives, built from the image path: `{dir}` the image's folder, `{name}` its
       * name without extension, `{ext}` its extension with the dot. CamVid: `labels/{name}_P{ext}`.
       */
      readonly template: string;
      /** Path of `codes.txt` among the chosen files: one class name a line, index = pixel value. */
      readonly codesPath: string;
      /** Code ignored by metrics (CamVid: `Void`). */
      readonly voidCode?: string;
    }
  | { readonly kind: 'points'; readonly xColumn: string; readonly yColumn: string };

/** How items are split into training and validation sets. */
export type SplitSpec =
  { readonly kind: 'folder'; readonly train: string; readonly valid: string } | { readonly kind: 'random'; readonly validPct: number; readonly seed: number } | { readonly kind: 'csvColumn'; readonly column: string };

/** How pictures are sized before batching. */
export type ResizeMethod = 'crop' | 'squish' | 'pad';

/** Item and batch transforms, named as in fastai's `aug_transforms`. */
export interface TransformSpec {
  /** Output size: one side for a square, or `[height, width]` (see `sizeSpec.ts`). */
  readonly size: SizeSpec;
  readonly resize: ResizeMethod;
  /** Horizontal flip with probability 0.5. */
  readonly flip: boolean;
  /** All 8 dihedral symmetries (fastai's `flip_vert=True`). */
  readonly flipVert: boolean;
  /** Degrees. */
  readonly maxRotate: number;
  /** 1 means no zoom. */
  readonly maxZoom: number;
  /** 0 means no lighting change. */
  readonly maxLighting: number;
  /** 0 means no perspective warp. */
  readonly maxWarp: number;
  /** Probability of the affine part (fastai `p_affine`). */
  readonly pAffine: number;
  /** Probability of the lighting part (fastai `p_lighting`). */
  readonly pLighting: number;
}

/** Which statistics normalize the pixels. */
export type NormalizeSpec = { readonly kind: 'imagenet' } | { readonly kind: 'data' } | { readonly kind: 'none' };

/** The whole data block: plain JSON, edited by forms, saved in project files, used by the CLI. */
export interface DataBlockSpec {
  readonly version: 1;
  readonly items: ItemsSpec;
  readonly label: LabelSpec;
  readonly split: SplitSpec;
  readonly transforms: TransformSpec;
  readonly batch: {
    readonly batchSize: number;
    readonly seed: number;
    /**
     * Megabytes of decoded pixels the block may keep (default 1024). A folder that needs more at
     * the training size is streamed: its pictures are decoded again as batches need them.
     */
    readonly memoryMB?: number;
  };
  readonly normalize: NormalizeSpec;
}

/** One item found by the items step. */
export interface Item {
  /** Path of the image among the chosen files. */
  readonly path: string;
  readonly file: SourceFile;
  /** The CSV row the item came from, if any. */
  readonly row?: Readonly<Record<string, string>>;
  /** 1-based CSV line of that row. */
  readonly line?: number;
}

/** A label before it becomes a tensor. */
export type Label =
  | { readonly kind: 'class'; readonly id: number }
  | { readonly kind: 'multi'; readonly ids: readonly number[] }
  | { readonly kind: 'mask'; readonly file: SourceFile }
  | { readonly kind: 'point'; readonly x: number; readonly y: number };

/** An item with its label. */
export interface LabeledItem extends Item {
  readonly label: Label;
}

/** A sized example ready to collate: uint8 RGB pixels plus its target. */
export interface Example {
  readonly path: string;
  /** `height*width*3` RGB bytes. */
  readonly pixels: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** Class ids (single), multi-hot (multi), `height*width` class ids (segmentation) or [x, y] in [-1, 1] (points). */
  readonly target: Uint8Array | Float32Array | readonly number[];
}

/** Per-channel statistics used to normalize, on the 0..1 scale. */
export interface Stats {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}
