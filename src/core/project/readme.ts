/**
 * The human side of an exported bundle: a README that says how to feed the model and read its
 * outputs with plain tfjs, and Teachable Machine's `metadata.json` for single-label models.
 */
import * as tf from '@tensorflow/tfjs';
import type { ResizeMethod } from '../data/types';
import type { StudioManifest } from './manifest';

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

/**
 * `metadata.json` as Teachable Machine writes it for an image project (labels in output order,
 * square `imageSize`), so tools that read TM exports find the labels. `userMetadata` records
 * what differs from a TM model: the normalization and that outputs are logits.
 */
export function tmMetadata(m: StudioManifest, opts: BundleOptions = {}): TmMetadata {
  return {
    tfjsVersion: tf.version.tfjs,
    packageVersion: opts.studioVersion ?? '0.1.0',
    packageName: 'image-studio',
    timeStamp: m.createdAt,
    userMetadata: { task: m.task, normalize: m.normalize, pixelScale: '0..1', resize: m.spec.transforms.resize, output: 'logits (apply softmax)' },
    modelName: opts.modelName ?? m.arch.name,
    labels: [...m.classes],
    imageSize: m.inputSize,
  };
}

const fmt = (xs: readonly number[]) => `[${xs.map((x) => Number(x.toPrecision(6))).join(', ')}]`;

/** JS lines that turn `px` ([h, w, 3] pixels) into the `sq` square the model was validated on. */
function squareLines(method: ResizeMethod): string[] {
  const [h, w] = ['px.shape[0]', 'px.shape[1]'];
  switch (method) {
    case 'crop':
      return [`    const s = Math.min(${h}, ${w});   // the centre square, as validation crops`, `    const sq = px.slice([(${h} - s) >> 1, (${w} - s) >> 1, 0], [s, s, 3]);`];
    case 'pad':
      return [`    const s = Math.max(${h}, ${w}), dy = s - ${h}, dx = s - ${w};   // zero-pad to a square`, `    const sq = px.pad([[dy >> 1, dy - (dy >> 1)], [dx >> 1, dx - (dx >> 1)], [0, 0]]);`];
    case 'squish':
      return ['    const sq = px;   // squish: the whole picture is stretched to a square'];
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
      return { head: 'y.squeeze()', tail: ['const [u, v] = await out.data();  // in [-1, 1] over the square input', 'console.log((u + 1) / 2 * SIZE, (v + 1) / 2 * SIZE);'] };
  }
}

/** The ~15-line plain-tfjs example. */
function example(m: StudioManifest): string {
  const { head, tail } = outputLines(m);
  return [
    "import * as tf from '@tensorflow/tfjs';",
    `const SIZE = ${m.inputSize}, MEAN = ${fmt(m.normalize.mean)}, STD = ${fmt(m.normalize.std)};`,
    `const CLASSES = ${JSON.stringify(m.classes)};`,
    "const model = await tf.loadLayersModel('model.json');  // the URL of this folder's model.json",
    'function predict(img) {                                // <img>, <canvas>, ImageData or ImageBitmap',
    '  return tf.tidy(() => {',
    '    const px = tf.browser.fromPixels(img);             // [h, w, 3], 0..255',
    ...squareLines(m.spec.transforms.resize),
    '    const x = tf.image.resizeBilinear(sq, [SIZE, SIZE]).div(255).sub(MEAN).div(STD);',
    '    const y = model.predict(x.expandDims(0));',
    `    return ${head};`,
    '  });',
    '}',
    "const out = predict(image);                            // image: a loaded <img> from your page",
    ...tail,
    'out.dispose();',
  ].join('\n');
}

const OUTPUTS: Record<StudioManifest['task'], string> = {
  single: 'One logit per class, in the order below. Apply softmax for probabilities; the argmax is the prediction.',
  multi: 'One logit per tag, in the order below. Apply a sigmoid; every tag above the threshold is predicted.',
  segmentation: '`[1, SIZE, SIZE, codes]` logits. The argmax over the last axis is the code of each pixel.',
  points: 'Two numbers `[x, y]`, each in [-1, 1]: -1 is the left/top edge of the square input, +1 the right/bottom edge.',
};

/** Final metrics as a Markdown list. */
function metricLines(m: StudioManifest): string[] {
  const entries = Object.entries(m.metrics);
  return entries.length ? entries.map(([k, v]) => `- ${k}: ${Number.isFinite(v) ? Number(v.toPrecision(4)) : 'n/a'}`) : ['- (not trained)'];
}

/** The files, input and output sections. */
function contractLines(m: StudioManifest): string[] {
  const { mean, std } = m.normalize;
  const size = m.inputSize;
  return [
    '- `model.json` + `weights.bin`: the model in TensorFlow.js layers format (`tf.loadLayersModel`).',
    '- `studio.json`: the project (data block, classes, normalization, training history); import it back into the studio.',
    ...(m.task === 'single' ? ["- `metadata.json`: labels and image size in Teachable Machine's layout."] : []),
    '',
    '## Input',
    '',
    `An RGB picture of ${size} x ${size} pixels (resize method \`${m.spec.transforms.resize}\`), shape \`[1, ${size}, ${size}, 3]\`, float32,`,
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
 * README.md of the bundle: files, input, output, classes, a plain tfjs example, training summary.
 * @example files['README.md'] = new TextEncoder().encode(bundleReadme(manifest));
 */
export function bundleReadme(m: StudioManifest): string {
  const kind = m.task === 'segmentation' ? 'Codes' : m.task === 'multi' ? 'Tags' : 'Classes';
  const list = m.classes.map((c, i) => `${i}. ${c}${i === m.voidIndex ? ' (void: ignored by the metrics)' : ''}`);
  const tmNote = '`metadata.json` lets Teachable Machine tools read the labels, but `@teachablemachine/image` feeds pixels as `pixel / 127 - 1` and reads outputs as probabilities: use the code above instead.';
  return [
    `# ${m.arch.name} (${m.task}), exported by Image Studio`,
    '',
    ...contractLines(m),
    ...(list.length ? [`## ${kind}`, '', ...list, ''] : []),
    '## Predict with plain TensorFlow.js',
    '',
    '```js',
    example(m),
    '```',
    '',
    ...(m.task === 'single' ? [tmNote, ''] : []),
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
