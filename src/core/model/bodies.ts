import type { BodyNormalization } from './bodyNormalization';

/**
 * The pretrained bodies the studio knows by name: where their `model.json` lives, the scaling
 * they were trained with and where their useful features end. A URL the studio does not know is
 * still accepted; then the person sets the scaling and `findCut`'s rule picks the cut.
 */
export interface KnownBody {
  readonly id: string;
  /** What a person reads in the Learner cell. */
  readonly label: string;
  /** `model.json`, relative to the app's base for the built-in ones. */
  readonly url: string;
  /** True when the files ship with the studio (no network needed). */
  readonly builtIn: boolean;
  readonly normalization: BodyNormalization;
  /** The default cut; absent means `findCut`'s rule. */
  readonly cut?: string;
  /** Other cuts worth trying, shallow first, for the form. */
  readonly cuts: readonly string[];
  /** Where the weights come from and what they were trained on. */
  readonly source: string;
  /** Smallest picture side that still leaves the cut a 2x2 feature map or more (its stride x 2). */
  readonly minSide: number;
}

/** The ImageNet MobileNetV2 converted from nsfwjs by `scripts/buildBodies.ts`. */
export const MOBILENET_V2: KnownBody = {
  id: 'mobilenet_v2',
  label: 'MobileNetV2, ImageNet (built in)',
  url: 'models/mobilenet_v2/model.json',
  builtIn: true,
  // nsfwjs feeds pixel / 255; measured on held-out photos it beats [-1, 1] with these weights.
  normalization: 'unit',
  // block_11 onward was fine-tuned for nsfwjs's own 5 classes and its top transfers poorly; the
  // first expansion of block_11 (stride 16, 576 channels) measured best on held-out product
  // photos, single- and multi-label, ahead of block_13_expand_relu, block_10_project_BN and
  // out_relu (scripts/quality/measureCuts.ts; the README has the table).
  cut: 'block_11_expand_relu',
  cuts: ['block_6_expand_relu', 'block_10_project_BN', 'block_11_expand_relu', 'block_13_expand_relu', 'block_16_project_BN', 'out_relu'],
  source:
    'Keras MobileNetV2 (alpha 1.0) from the npm package nsfwjs 4.4.0 (MIT): ImageNet weights up to block_10, block_11 onward fine-tuned by nsfwjs for its 5 classes; converted offline from the package tarball by scripts/buildBodies.ts',
  minSide: 96,
};

/** The small CNN the studio trained on all of MNIST (`npm run backbone`). */
export const MNIST_BODY: KnownBody = {
  id: 'mnist',
  label: 'small CNN, MNIST digits (built in)',
  url: 'models/mnist-backbone/model.json',
  builtIn: true,
  normalization: 'imagenet',
  cuts: [],
  source: 'trained by scripts/trainBackbone.ts on the 60,000 MNIST training digits (98.5% on the 10,000 test digits)',
  minSide: 0,
};

/** Teachable Machine's image base: Keras MobileNetV2 alpha 0.35, no top, [-1, 1] input. */
export const TEACHABLE_MACHINE_BODY: KnownBody = {
  id: 'tm_mobilenet_v2',
  label: "Teachable Machine's MobileNetV2 0.35 (online)",
  url: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
  builtIn: false,
  normalization: 'minusOneOne',
  cut: 'out_relu',
  cuts: ['block_13_expand_relu', 'out_relu'],
  source: 'Google Teachable Machine: Keras MobileNetV2 alpha 0.35 with ImageNet weights, top removed',
  minSide: 96,
};

/** The tfjs-models MobileNet v1 0.25 layers model, 1000 ImageNet classes, [-1, 1] input. */
export const TFJS_MOBILENET_V1: KnownBody = {
  id: 'tfjs_mobilenet_v1',
  label: 'MobileNet v1 0.25, ImageNet (tfjs, online)',
  url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json',
  builtIn: false,
  normalization: 'minusOneOne',
  cut: 'conv_pw_13_relu',
  cuts: ['conv_pw_11_relu', 'conv_pw_13_relu'],
  source: "TensorFlow.js's Keras MobileNet v1 (alpha 0.25) trained on ImageNet, with its 1000-class classifier",
  minSide: 96,
};

/** Every known body, the default first. */
export const KNOWN_BODIES: readonly KnownBody[] = [MOBILENET_V2, MNIST_BODY, TEACHABLE_MACHINE_BODY, TFJS_MOBILENET_V1];

/** The known body whose `model.json` is at `url` (absolute or relative to the app), if any. */
export function knownBody(url: string): KnownBody | undefined {
  return KNOWN_BODIES.find((b) => url === b.url || url.endsWith(`/${b.url}`));
}
