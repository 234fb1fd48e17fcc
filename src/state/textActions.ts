import { TEXT_LM_PATH } from '../io/textLm';
import type { TextLearnerKind } from '../workers/protocol';
import { epochsProblem } from './inputChecks';
import { formatLr } from './trainState';
import type { Store } from './store';
import type { TrainRunner } from './trainRunner';
import { ULMFIT_RATES, type UlmfitRatesName } from '../core/text/ulmfit';
import { ulmfitCode } from './ulmfitCode';
import type { TextAction, TextState } from './textState';

/** The text cells' store. */
export type TextStore = Store<TextState, TextAction>;

/** Commands of the text cells; the LR finder and fit cells' own commands train the text learner too. */
export interface TextCommands {
  buildLearner(kind: TextLearnerKind): Promise<void>;
  setUlmfit(settings: { lr?: number; lastEpochs?: number; rates?: UlmfitRatesName }): void;
  /** Lesson 3's gradual unfreezing of the classifier on the language model's encoder, at the chosen rates. */
  ulmfit(): Promise<void>;
  /** Multi-label: `thresh` becomes the threshold of Predict, the export and the results. */
  results(thresh?: number): Promise<void>;
  /** The classifier's probabilities for typed text, or the language model's continuation of a prompt. */
  predict(text: string): Promise<void>;
}

/** Binds the text commands to the shared runner (one operation at a time, data synced first). */
export function makeTextCommands(store: TextStore, runner: TrainRunner): TextCommands {
  const { guarded, dispatch, client, runFit } = runner;
  client.onEvent((e) => {
    if (e.type === 'epoch' && store.getState().kind === 'lm') store.dispatch({ type: 'lmTrained', epochs: 1 });
  });
  return {
    buildLearner: (kind) =>
      guarded('learner', async () => {
        // The language model starts from the shipped pretrained one, as fastai's does from WikiText-103.
        const lmUrl = kind === 'lm' ? `${import.meta.env.BASE_URL}${TEXT_LM_PATH}` : undefined;
        dispatch({ type: 'learnerReady', learner: await client.buildTextLearner(kind, lmUrl) });
        store.dispatch({ type: 'textLearner', kind });
      })(),
    setUlmfit: (settings) => store.dispatch({ type: 'ulmfitSettings', ...settings }),
    ulmfit: guarded('fit', async () => {
      const { ulmfitLr: lr, ulmfitLastEpochs: last, ulmfitRates: rates } = store.getState();
      const bad = epochsProblem(last) ?? (lr > 0 && lr < 10 ? null : `The learning rate ${lr} is not a rate: use a number such as 2e-2`);
      if (bad) throw new Error(bad);
      const size = runner.data.getState().builtSpec!.transforms.size;
      dispatch({ type: 'fitStarted', run: { epochs: 3 + last, lr: formatLr(lr), oneCycle: true, size, frozen: true, fineTune: { freezeEpochs: 1 }, stages: ulmfitCode(lr, last, rates) } });
      await runFit(async () => {
        const r = await client.ulmfit(lr, last, ULMFIT_RATES[rates]);
        dispatch({ type: 'learnerReady', learner: r.learner });
        return r;
      });
    }),
    results: (thresh) =>
      guarded('results', async () => {
        store.dispatch({ type: 'textResults', results: await client.textResults(thresh) });
      })(),
    predict: (text) =>
      guarded('predict', async () => {
        if (text.trim() === '') throw new Error('Type some text to predict');
        store.dispatch({ type: 'textPrediction', prediction: await client.predictText(text) });
      })(),
  };
}
