import { memo } from 'react';
import { PRETRAINED_LM_SIZES } from '../../../core/text/pretrainedLmFile';
import type { TextCommands } from '../../../state/textActions';
import type { UlmfitRatesName } from '../../../core/text/ulmfit';
import type { TextState } from '../../../state/textState';
import { ulmfitCode } from '../../../state/ulmfitCode';
import type { TrainCommands } from '../../../state/trainActions';
import type { LearnerSlice } from '../slices';
import { Cell } from '../../components/Cell';
import { LayerGroupsTable } from '../../components/LayerGroupsTable';
import { Field, NumberInput } from '../../components/Field';

/**
 * The text learner: ULMFiT's route (the AWD-LSTM language model on every text, then a classifier
 * on its encoder, unfrozen gradually) or a classifier from scratch to compare; its groups by size.
 */
export const TextLearnerCell = memo(function TextLearnerCell(props: { state: LearnerSlice; text: TextState; commands: TextCommands; train: TrainCommands }) {
  const { state, text, commands } = props;
  const busy = state.busy !== null;
  const canClassify = text.lmEpochs > 0;
  return (
    <Cell index={5} title="Learner" note={`task: text${text.kind ? ` · ${text.kind === 'lm' ? 'language model' : 'classifier'}` : ''}`}>
      <div className="steps">
        <fieldset className="step">
          <legend>Route</legend>
          <div className="buttons">
            <button data-testid="text-route-ulmfit" disabled={busy} onClick={() => commands.buildLearner('lm')}>
              AWD-LSTM language model first (ULMFiT)
            </button>
            <button className="secondary" data-testid="text-route-scratch" disabled={busy} onClick={() => commands.buildLearner('classifier')}>
              Classifier from scratch
            </button>
          </div>
          <p className="muted">
            ULMFiT (lesson 3): the language model starts from the studio&apos;s pretrained one (GloVe word vectors, then general English: State of the Union addresses, Moby-Dick and software READMEs, as fastai&apos;s
            starts from Wikipedia), you fine-tune it on every text here, labelled or not (the LR finder and Fit cells below train it; its epochs show perplexity; a gentle rate such as 1e-2 keeps the GloVe meanings), then
            build the classifier on its encoder and unfreeze it, gradually or at once. Sizes for a browser: embedding {PRETRAINED_LM_SIZES.embSize}, {PRETRAINED_LM_SIZES.layers} LSTM layers of{' '}
            {PRETRAINED_LM_SIZES.hidden}, texts cut to their first 80 tokens.
          </p>
          {text.kind === 'lm' && (
            <p>
              <button data-testid="text-build-classifier" disabled={busy || !canClassify} onClick={() => commands.buildLearner('classifierFromLm')} title={canClassify ? '' : 'Fit the language model first'}>
                Classifier on the language model&apos;s encoder
              </button>{' '}
              <span className="muted">{canClassify ? `the encoder after ${text.lmEpochs} epoch${text.lmEpochs === 1 ? '' : 's'}` : 'fit the language model first'}</span>
            </p>
          )}
          {text.kind === 'classifierFromLm' && <UlmfitForm text={text} commands={commands} busy={busy} />}
        </fieldset>
        {state.learner && (
          <fieldset className="step" data-testid="learner-summary">
            <legend>{state.learner.arch}</legend>
            <LayerGroupsTable groups={state.learner.groups} rowTestId="learner-group" frozenLabel="frozen" />
            <p className="muted">
              {state.learner.totalParams.toLocaleString('en-US')} parameters · {state.learner.body}
            </p>
            {text.kind !== 'lm' && (
              <div className="buttons">
                <button className="secondary" data-testid="freeze" disabled={busy} onClick={() => props.train.setFrozen(true)}>
                  freeze
                </button>
                <button className="secondary" data-testid="unfreeze" disabled={busy} onClick={() => props.train.setFrozen(false)}>
                  unfreeze
                </button>
              </div>
            )}
          </fieldset>
        )}
      </div>
    </Cell>
  );
});

/** What each choice of rates does, and when it suits. */
const RATES_HINT: Record<UlmfitRatesName, string> = {
  small: 'every unfrozen group at the stage’s rate, the last stage at lr/2: for a few thousand texts or fewer, where the embedding and LSTMs must move',
  lesson: 'discriminative slices down to 1/2.6⁴ of the top group’s rate, the last stage at lr/20: for a large language model and IMDB’s 25,000 reviews; on a few hundred it underfits',
};

function UlmfitForm(props: { text: TextState; commands: TextCommands; busy: boolean }) {
  const { text, commands } = props;
  const stages = ulmfitCode(text.ulmfitLr, text.ulmfitLastEpochs, text.ulmfitRates);
  return (
    <div data-testid="ulmfit">
      <Field label="First stage's rate" hint="lesson 3: 2e-2">
        <NumberInput testId="ulmfit-lr" value={text.ulmfitLr} step={0.005} min={1e-5} max={1} onChange={(v) => commands.setUlmfit({ lr: v })} />
      </Field>
      <Field label="Epochs unfrozen" hint="lesson 3: 2 (800 batches of IMDB); a few hundred texts need about 200 batches in all">
        <NumberInput testId="ulmfit-epochs" value={text.ulmfitLastEpochs} step={1} min={1} max={50} onChange={(v) => commands.setUlmfit({ lastEpochs: v })} />
      </Field>
      <Field label="Later stages' rates" hint={RATES_HINT[text.ulmfitRates]}>
        <select data-testid="ulmfit-rates" value={text.ulmfitRates} onChange={(e) => commands.setUlmfit({ rates: e.target.value as UlmfitRatesName })}>
          <option value="small">small data</option>
          <option value="lesson">lesson 3&apos;s</option>
        </select>
      </Field>
      <ol className="compact">
        {stages.map((s) => (
          <li key={s}>
            <code>{s}</code>
          </li>
        ))}
      </ol>
      <button data-testid="ulmfit-run" disabled={props.busy} onClick={() => commands.ulmfit()}>
        Fine-tune: gradual unfreezing
      </button>
    </div>
  );
}
