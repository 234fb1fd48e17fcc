import type { BlockView } from '../core/data/blockView';
import { isImagePath } from '../core/data/paths';
import type { SourceFile } from '../core/data/types';
import { submissionCsv } from '../core/interpret/submission';
import type { TrainState } from './trainState';

/**
 * The pictures of a test folder that came with the data (`test/`, `test-jpg/`, `test_images/`
 * beside `train/`, as Kaggle ships them) and that the data block did not use: what fastai's
 * `add_test_folder` would predict. Empty when there is none.
 */
export function testFolderFiles(files: readonly SourceFile[], block: Pick<BlockView, 'train' | 'valid'> | null): SourceFile[] {
  const used = new Set([...(block?.train ?? []), ...(block?.valid ?? [])]);
  return files.filter((f) => /^test/i.test(f.path.split('/')[0] ?? '') && f.path.includes('/') && isImagePath(f.path) && !used.has(f.path));
}

/** The Kaggle submission of the predicted test set at the learner's threshold, or null. */
export function testSubmission(s: Pick<TrainState, 'test' | 'data' | 'learnerSpec'>): string | null {
  if (!s.test || !s.data || s.test.predictions.length === 0) return null;
  return submissionCsv(s.test.predictions, { task: s.data.task, classes: s.data.classes, thresh: s.learnerSpec.thresh, suffix: s.test.suffix });
}
