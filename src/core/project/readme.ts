/**
 * The human side of an exported bundle: a README that says how to feed the model and read its
 * outputs with plain tfjs (and, for single-label, with a Teachable Machine app), and Teachable
 * Machine's `metadata.json` for the `teachable-machine/` copy.
 */
import * as tf from '@tensorflow/tfjs';
import { sidesOf } from '../data/sizeSpec';
import type { ResizeMethod } from '../data/types';
import type { StudioManifest } from './manifest';
import { TM_PIXEL_DIVISOR } from './teachable';

/** Teachable Machine image-project metadata (`@teachablemachine/image`'s `Metadata`), plus what our model needs. */
export interface TmMetadata {
  readonly tfjsVersion: string;
  readonly tmVersion?: string;
  readonly packageVersion: string;
  readonly packageName: string;
  readonly timeStamp: string;
  readonly userMetadata: Readonly<Record<string, unknown>>;
  readonly modelName: string;
  readonly labels: readonly string[];
  readonly imageSize: number;
}

/** Who made the bundle, for `metadata.json`. */
export interface BundleOptions {
  /** `metadata.json` `modelName`; defaults to the architecture name. */
  readonly modelName?: string;
  /** The studio's own version, written as `packageVersion`. */
  readonly studioVersion?: string;
}

/** What the README needs to know about the bundle beyond the manifest. */
export interface ReadmeOptions {
  /** The bundle holds the `teachable-machine/` copy. */
  readonly teachable?: boolean;
}

/**
 * `teachable-machine/metadata.json` as Teachable Machine writes it for an image project: labels
 * in output order and the square `imageSize` that `@teachablemachine/image` crops to. The model
 * beside it takes TM's pixels and gives probabilities; `userMetadata` says so, and keeps the
 * normalization the model applies inside for whoever reads it.
 */
export function tmMetadata(m: StudioManifest, opts: BundleOptions = {}): TmMetadata {
  return {
    tfjsVersion: tf.version.tfjs,
    packageVersion: opts.studioVersion ?? '0.1.0',
    packageName: 'image-studio',
    timeStamp: m.createdAt,
    userMetadata: {
      task: m.task,
      input: `[${sidesOf(m.inputSize).height}, ${sidesOf(m.inputSize).width}, 3] RGB, pixel / ${TM_PIXEL_DIVISOR} - 1 (Teachable Machine's scale, about -1..1)`,
      output: 'softmax probabilities in labels order',
      resize: m.spec.transforms.resize,
      normalize: m.normalize,
      note: 'The normalization above is applied inside this model. ../model.json is the same model taking (pixel / 255 - mean) / std and giving logits.',
    },
    modelName: opts.modelName ?? m.arch.name,
    labels: [...m.classes],
    // TM copies are made only of square models (TM apps crop a square), so one side says it all.
    imageSize: sidesOf(m.inputSize).width,
  };
}

const fmt = (xs: readonly number[]) => `[${xs.map((x) => Number(x.toPrecision(6))).join(', ')}]`;

/** JS lines that turn `px` ([h, w, 3] pixels) into the `sq` region of the input's shape (H x W) the model was validated on. */
function framingLines(method: ResizeMethod): string[] {
  const [h, w] = ['px.shape[0]', 'px.shape[1]'];
  switch (method) {
    case 'crop':
      return [
        `    const s = Math.min(${h} / H, ${w} / W), ch = Math.round(H * s), cw = Math.round(W * s);   // the centre H:W window, as validation crops`,
        `    const sq = px.slice([(${h} - ch) >> 1, (${w} - cw) >> 1, 0], [ch, cw, 3]);`,
      ];
    case 'pad':
      return [
        `    const s = Math.max(${h} / H, ${w} / W), dy = Math.round(H * s) - ${h}, dx = Math.round(W * s) - ${w};   // zero-pad to H:W`,
        `    const sq = px.pad([[dy >> 1, dy - (dy >> 1)], [dx >> 1, dx - (dx >> 1)], [0, 0]]);`,
      ];
    case 'squish':
      return ['    const sq = px;   // squish: the whole picture is stretched to H x W'];
  }
}

/** The task's last lines: from raw outputs `y` to an answer. */
function outputLines(m: StudioManifest): { head: string; tail: string[] } {
  switch (m.task) {
    case 'single':
      return { head: 'y.softmax().squeeze()', tail: ['const probs = await out.data();', 'const best = probs.indexOf(Math.max(...probs));', 'console.log(CLASSES[best], probs[best]);'] };
    case 'multi':
      return { head: 'y.sigmoid().squeeze()', tail: ['const probs = await out.data();', `console.log(CLASSES.filter((_, i) => probs[i] > ${m.threshold ?? 0.2}));`] };
    case 'segmentation':
      return { head: 'y.argMax(-1).squeeze()', tail: ['const mask = await out.array();  // mask[row][col] indexes CLASSES', 'console.log(CLASSES[mask[0][0]]);'] };
    case 'points':
      return { head: 'y.squeeze()', tail: ['const [u, v] = await out.data();  // in [-1, 1] over the input', 'console.log((u + 1) / 2 * W, (v + 1) / 2 * H);'] };
  }
}

/** The ~15-line plain-tfjs example. */
function example(m: StudioManifest): string {
  const { head, tail } = outputLines(m);
  return [
    "import * as tf from '@tensorflow/tfjs';",
    `const H = ${sidesOf(m.inputSize).height}, W = ${sidesOf(m.inputSize).width}, MEAN = ${fmt(m.normalize.mean)}, STD = ${fmt(m.normalize.std)};`,
    `const CLASSES = ${JSON.stringify(m.classes)};`,
    "const model = await tf.loadLayersModel('model.json');  // the URL of this folder's model.json",
    'function predict(img) {                                // <img>, <canvas>, ImageData or ImageBitmap',
    '  return tf.tidy(() => {',
    '    const px = tf.browser.fromPixels(img);             // [h, w, 3], 0..255',
    ...framingLines(m.spec.transforms.resize),
    '    const x = tf.image.resizeBilinear(sq, [H, W]).div(255).sub(MEAN).div(STD);',
    '    const y = model.predict(x.expandDims(0));',
    `    return ${head};`,
    '  });',
    '}',
    'const out = predict(image);                            // image: a loaded <img> from your page',
    ...tail,
    'out.dispose();',
  ].join('\n');
}

const OUTPUTS: Record<StudioManifest['task'], string> = {
  single: 'One logit per class, in the order below. Apply softmax for probabilities; the argmax is the prediction.',
  multi: 'One logit per tag, in the order below. Apply a sigmoid; every tag above the threshold is predicted.',
  segmentation: '`[1, H, W, codes]` logits. The argmax over the last axis is the code of each pixel.',
  points: 'Two numbers `[x, y]`, each in [-1, 1]: -1 is the left/top edge of the input, +1 the right/bottom edge.',
};

/** Final metrics as a Markdown list. */
function metricLines(m: StudioManifest): string[] {
  const entries = Object.entries(m.metrics);
  return entries.length ? entries.map(([k, v]) => `- ${k}: ${Number.isFinite(v) ? Number(v.toPrecision(4)) : 'n/a'}`) : ['- (not trained)'];
}

/** The Teachable Machine section: what the copy takes and gives, and how an app loads it. */
function teachableLines(m: StudioManifest): string[] {
  const size = sidesOf(m.inputSize).width;
  return [
    '## Use with Teachable Machine apps',
    '',
    '`teachable-machine/` holds the same model in the shape of a Teachable Machine image export, for apps built on `@teachablemachine/image`:',
    `it takes \`[1, ${size}, ${size}, 3]\` pixels scaled as \`pixel / ${TM_PIXEL_DIVISOR} - 1\` (what the library feeds) and gives softmax probabilities`,
    "in `metadata.json`'s `labels` order. The normalization and the softmax are layers inside the model. Serve the folder and point the app at it:",
    '',
    '```js',
    "import * as tmImage from '@teachablemachine/image';",
    "const URL = 'https://example.com/my_model/teachable-machine/';  // where this folder is served",
    "const model = await tmImage.load(URL + 'model.json', URL + 'metadata.json');",
    'const predictions = await model.predict(image);  // [{ className, probability }, ...], one per class',
    '```',
    '',
    `The library crops the centre square and scales it to \`imageSize\` (${size}) from \`metadata.json\`, so pictures framed as in training work best`,
    `(this project resizes with \`${m.spec.transforms.resize}\`). Tools that always feed 224 x 224 pixels, such as old versions of the library, need a model trained at 224.`,
    '',
  ];
}

/** The files, input and output sections. */
function contractLines(m: StudioManifest, teachable: boolean): string[] {
  const { mean, std } = m.normalize;
  const { height, width } = sidesOf(m.inputSize);
  return [
    '- `model.json` + `weights.bin`: the model in TensorFlow.js layers format (`tf.loadLayersModel`), taking normalized pixels (below).',
    '- `studio.json`: the project (data block, classes, normalization, training history); import it back into the studio.',
    ...(teachable ? ['- `teachable-machine/` (`model.json`, `weights.bin`, `metadata.json`): the same model for Teachable Machine apps, taking their pixels and giving probabilities (see below).'] : []),
    '',
    '## Input',
    '',
    `\`model.json\` takes an RGB picture of ${height} x ${width} pixels, height x width (resize method \`${m.spec.transforms.resize}\`), shape \`[1, ${height}, ${width}, 3]\`, float32,`,
    'each channel scaled to 0..1 then normalized: `x = (pixel / 255 - mean) / std` with',
    '',
    `- mean (R, G, B) = ${fmt(mean)}`,
    `- std (R, G, B) = ${fmt(std)}`,
    '',
    '## Output',
    '',
    OUTPUTS[m.task],
    ...(m.task === 'multi' ? ['', `Threshold: ${m.threshold ?? 0.2}.`] : []),
    '',
  ];
}

/**
 * README.md of the bundle: files, input, output, classes, a plain tfjs example, training summary
 * and, when the bundle has the `teachable-machine/` copy, how a Teachable Machine app loads it.
 * @example files['README.md'] = new TextEncoder().encode(bundleReadme(manifest, { teachable: true }));
 */
export function bundleReadme(m: StudioManifest, opts: ReadmeOptions = {}): string {
  const teachable = m.task === 'single' && opts.teachable === true;
  const kind = m.task === 'segmentation' ? 'Codes' : m.task === 'multi' ? 'Tags' : 'Classes';
  const list = m.classes.map((c, i) => `${i}. ${c}${i === m.voidIndex ? ' (void: ignored by the metrics)' : ''}`);
  return [
    `# ${m.arch.name} (${m.task}), exported by Image Studio`,
    '',
    ...contractLines(m, teachable),
    ...(list.length ? [`## ${kind}`, '', ...list, ''] : []),
    '## Predict with plain TensorFlow.js',
    '',
    '```js',
    example(m),
    '```',
    '',
    ...(teachable ? teachableLines(m) : []),
    '## Training',
    '',
    `${m.history.length} epochs; final validation metrics:`,
    '',
    ...metricLines(m),
    '',
    `Exported ${m.createdAt}.`,
    '',
  ].join('\n');
}
