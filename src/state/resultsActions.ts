import { isImagePath } from '../core/data/paths';
import type { SourceFile } from '../core/data/types';
import type { TestPrediction } from '../core/interpret/submission';
import { limitMessage } from '../core/data/specChecks';
import { epochsProblem, lrProblem, TRAIN_LIMITS } from './inputChecks';
import { parseLr } from './trainState';
import type { TrainRunner } from './trainRunner';

/** Commands of the results and prediction cells. */
export interface ResultsCommands {
  /** fastai's `Interpretation.from_learner`: predictions, targets and losses of the validation set. */
  showResults(): Promise<void>;
  /** Picks the multi-label threshold: metrics, later epochs and the export all use it. */
  setThreshold(thresh: number): Promise<void>;
  /** Predicts each picture, newest first in the list. */
  predict(files: readonly SourceFile[]): Promise<void>;
  /** Marks a prediction wrong with the right label (a class, or space-separated tags); undefined unmarks it. */
  correct(id: number, label: string | undefined): void;
  clearPredictions(): void;
  /** A one-cycle run (the fit cell's epochs and learning rate) on the training set plus the corrections. */
  fineTune(): Promise<void>;
  /** fastai's `add_test_folder`: predicts every picture of an unlabelled test folder, for a Kaggle submission. */
  predictTest(files: readonly SourceFile[]): Promise<void>;
}

/** Test pictures are posted to the page in bundles, so a long test set shows its progress. */
const TEST_BUNDLE = 16;

/** Binds the results commands to the shared runner. */
export function makeResultsCommands(runner: TrainRunner): ResultsCommands {
  const { store, client, dispatch, guarded, runFit } = runner;
  return {
    showResults: guarded('results', async () => {
      dispatch({ type: 'results', results: await client.results() });
    }),
    setThreshold: (thresh) =>
      guarded('results', async () => {
        // A typed 5, 0 or empty box is named, not ignored, and the threshold in use stays.
        const bad = limitMessage(thresh, TRAIN_LIMITS.thresh);
        if (bad) throw new Error(bad);
        dispatch({ type: 'threshold', thresh, metrics: await client.setThreshold(thresh) });
      })(),
    async predict(files) {
      try {
        await runner.exclusive('predict', async () => {
          // One picture that cannot be read is named and skipped; the others are still predicted.
          const failed: string[] = [];
          for (const file of files) {
            try {
              dispatch({ type: 'predicted', prediction: { file, info: await client.predict(file) } });
            } catch (e) {
              failed.push(`${file.path}: ${(e as Error).message}`);
            }
          }
          if (failed.length > 0) throw new Error(`${failed.length} of ${files.length} picture${files.length === 1 ? '' : 's'} could not be predicted (${failed.join('; ')})`);
        });
      } catch (e) {
        dispatch({ type: 'failed', error: `Prediction failed: ${(e as Error).message}` });
      }
    },
    async predictTest(files) {
      const pictures = files.filter((f) => isImagePath(f.path));
      if (pictures.length === 0) {
        dispatch({ type: 'failed', error: `The test folder has no pictures (${files.length} file${files.length === 1 ? '' : 's'}, none png, jpeg, webp, gif or bmp)` });
        return;
      }
      try {
        await runner.exclusive('predict', async () => {
          const items = runner.data.getState().builtSpec?.items;
          dispatch({ type: 'testStarted', total: pictures.length, suffix: items?.kind === 'csv' ? items.suffix : undefined });
          let done: TestPrediction[] = [];
          let failed: string[] = [];
          for (const [i, file] of pictures.entries()) {
            try {
              done.push({ path: file.path, values: (await client.predict(file)).values });
            } catch (e) {
              // One unreadable picture is named and left out; the others are still predicted.
              failed.push(`${file.path}: ${(e as Error).message}`);
            }
            if ((i + 1) % TEST_BUNDLE === 0 || i + 1 === pictures.length) {
              dispatch({ type: 'testPredicted', predictions: done, failed });
              [done, failed] = [[], []];
            }
          }
        });
      } catch (e) {
        dispatch({ type: 'failed', error: `Predicting the test set failed: ${(e as Error).message}` });
      }
    },
    correct: (id, label) => dispatch({ type: 'correction', id, label }),
    clearPredictions: () => dispatch({ type: 'clearPredictions' }),
    fineTune: guarded('fit', async () => {
      const s = store.getState();
      const corrections = s.predictions.filter((p) => p.correction).map((p) => ({ file: p.file, label: p.correction! }));
      if (corrections.length === 0) throw new Error('Mark at least one prediction as wrong, with the right label, before fine-tuning');
      const bad = epochsProblem(s.epochs) ?? lrProblem(s.lrInput);
      if (bad) throw new Error(bad);
      const lr = parseLr(s.lrInput)!;
      const frozen = s.learner?.groups.some((g) => g.frozen) ?? false;
      dispatch({ type: 'fitStarted', run: { epochs: s.epochs, lr: s.lrInput, oneCycle: true, size: runner.data.getState().builtSpec!.transforms.size, frozen, corrections: corrections.length } });
      await runFit(() => client.fineTune(corrections, s.epochs, lr));
    }),
  };
}
