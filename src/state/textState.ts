import { ULMFIT_DEFAULTS, type UlmfitRatesName } from '../core/text/ulmfit';
import type { TextLearnerKind, TextPredictInfo, TextResultsInfo } from '../workers/protocol';

/** What the text cells show beyond the shared training state: which model, its results, predictions. */
export interface TextState {
  /** The text model built last. */
  readonly kind: TextLearnerKind | null;
  /** Epochs the language model has trained (ULMFiT's classifier needs a trained one). */
  readonly lmEpochs: number;
  readonly results: TextResultsInfo | null;
  readonly prediction: TextPredictInfo | null;
  /** The first stage's rate of ULMFiT's gradual unfreezing (lesson 3: 2e-2), the last stage's epochs, and how the later stages' rates follow. */
  readonly ulmfitLr: number;
  readonly ulmfitLastEpochs: number;
  readonly ulmfitRates: UlmfitRatesName;
}

/** Every change of the text cells. */
export type TextAction =
  | { type: 'textLearner'; kind: TextLearnerKind }
  | { type: 'lmTrained'; epochs: number }
  | { type: 'textResults'; results: TextResultsInfo | null }
  | { type: 'textPrediction'; prediction: TextPredictInfo | null }
  | { type: 'ulmfitSettings'; lr?: number; lastEpochs?: number; rates?: UlmfitRatesName }
  | { type: 'textReset' };

export const initialTextState: TextState = { kind: null, lmEpochs: 0, results: null, prediction: null, ulmfitLr: ULMFIT_DEFAULTS.lr, ulmfitLastEpochs: ULMFIT_DEFAULTS.lastEpochs, ulmfitRates: ULMFIT_DEFAULTS.rates };

/** Pure reducer of the text cells. */
export function textReducer(s: TextState, a: TextAction): TextState {
  switch (a.type) {
    case 'textLearner':
      // A new language model starts untrained; a classifier keeps the count of the model it came from.
      return { ...s, kind: a.kind, lmEpochs: a.kind === 'lm' ? 0 : s.lmEpochs, results: null, prediction: null };
    case 'lmTrained':
      return { ...s, lmEpochs: s.lmEpochs + a.epochs };
    case 'textResults':
      return { ...s, results: a.results };
    case 'textPrediction':
      return { ...s, prediction: a.prediction };
    case 'ulmfitSettings':
      return { ...s, ulmfitLr: a.lr ?? s.ulmfitLr, ulmfitLastEpochs: a.lastEpochs ?? s.ulmfitLastEpochs, ulmfitRates: a.rates ?? s.ulmfitRates };
    case 'textReset':
      // The models and what they showed go; the ULMFiT settings the user chose stay.
      return { ...initialTextState, ulmfitLr: s.ulmfitLr, ulmfitLastEpochs: s.ulmfitLastEpochs, ulmfitRates: s.ulmfitRates };
  }
}
