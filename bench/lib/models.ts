import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { smallCnn } from '../../src/core/model/smallCnn';
import { transferModel } from '../../src/core/model/transfer';
import type { GroupedModel } from '../../src/core/model/types';
import { xresnet } from '../../src/core/model/xresnet';
import { fileLoadHandler } from '../../src/io/node/modelFiles';

/** The architectures the studio offers for classification, as the benchmarks build them. */
export type BenchArch = 'smallCnn' | 'xresnet' | 'pretrained';

/** The built-in backbone (a small CNN trained on all of MNIST by scripts/trainBackbone.ts). */
export const BACKBONE_JSON = join(process.cwd(), 'public/models/mnist-backbone/model.json');

/**
 * Builds a model as `src/core/model/build.ts` `buildModel` does for a single-label task: the
 * small CNN, xresnet (tiny) or the built-in backbone cut before its pooling with fastai's head
 * (hidden 128); the backbone's own classifier is freed, as `buildModel` does. Built on the
 * active backend, where its variables then live.
 */
export async function benchModel(arch: BenchArch, numOut: number): Promise<GroupedModel> {
  switch (arch) {
    case 'smallCnn':
      return smallCnn(numOut);
    case 'xresnet':
      return xresnet({ numOut });
    case 'pretrained': {
      const backbone = await tf.loadLayersModel(fileLoadHandler(BACKBONE_JSON));
      const built = transferModel(backbone, numOut, { hidden: 128 });
      const kept = new Set(built.model.layers);
      backbone.layers.filter((l) => !kept.has(l) && l.weights.length > 0).forEach((l) => l.dispose());
      return built;
    }
  }
}
