/** Test fixtures for project files: a valid manifest input to vary one field at a time. */
import { DEFAULT_SPEC } from '../../data/infer';
import type { ManifestInput } from '../manifest';

const normalize = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/** A single-label project after two epochs; the second has no validation loss (NaN). */
export function sampleInput(over: Partial<ManifestInput> = {}): ManifestInput {
  return {
    task: 'single',
    classes: ['3', '7'],
    voidIndex: -1,
    inputSize: 28,
    normalize,
    spec: DEFAULT_SPEC,
    arch: { name: 'smallCnn', channels: [8, 16] },
    layerGroups: [['cnn_b0_conv'], ['cnn_head_fc']],
    history: [
      { fit: 0, epoch: 0, trainLoss: 0.6, validLoss: 0.5, metrics: { accuracy: 0.8 }, seconds: 1.5 },
      { fit: 0, epoch: 1, trainLoss: 0.4, validLoss: NaN, metrics: { accuracy: 0.9 }, seconds: 1.4 },
    ],
    createdAt: '2025-01-02T03:04:05.000Z',
    ...over,
  };
}
