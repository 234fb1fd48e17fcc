import { canLrFind } from '../../../state/canRun';
import { TRAIN_LIMITS } from '../../../state/inputChecks';
import type { TrainCommands } from '../../../state/trainActions';
import { formatLr, type TrainState } from '../../../state/trainState';
import { LrFinderChart } from '../../charts/LrFinderChart';
import { Cell } from '../../components/Cell';
import { Field, NumberInput } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';

/** fastai's `lr_find`: the curve as it runs, the suggestions named, and a click to pick a rate. */
export function LrFinderCell(props: { state: TrainState; commands: TrainCommands }) {
  const { state, commands } = props;
  const f = state.finder;
  const can = canLrFind(state);
  const chosen = state.lrInput
    .split(',')
    .map(Number)
    .filter((v) => v > 0);
  return (
    <Cell index={6} title="Learning rate finder" note="click the curve to pick a rate; drag across it to pick a slice lo,hi">
      <div className="actions">
        <Field label="Iterations" hint="fastai: 100">
          <NumberInput testId="lr-find-iters" value={state.finderIters} min={TRAIN_LIMITS.finderIters.min} max={TRAIN_LIMITS.finderIters.max} onChange={commands.setFinderIters} />
        </Field>
        <button data-testid="lr-find-run" disabled={!can.ok} title={can.why} onClick={() => commands.lrFind()}>
          Run LR finder
        </button>
        {f?.suggestions && (
          <span
            data-testid="lr-suggestion"
            data-valley={f.suggestions.valley}
            data-slide={f.suggestions.slide}
            data-steep={f.suggestions.steep}
            data-minimum={f.suggestions.minimum}
            data-auto={f.auto?.lr}
            className="suggestion"
          >
            suggested:{' '}
            {f.auto && (
              <>
                auto <b>{formatLr(f.auto.lr)}</b> ·{' '}
              </>
            )}
            valley {f.auto ? formatLr(f.suggestions.valley) : <b>{formatLr(f.suggestions.valley)}</b>} · slide {formatLr(f.suggestions.slide)} · steepest {formatLr(f.suggestions.steep)} · minimum/10{' '}
            {formatLr(f.suggestions.minimum)}
          </span>
        )}
        {f && !f.running && !f.suggestions && <span className="muted">Too few points for a suggestion; try more data or a smaller batch.</span>}
      </div>
      {f?.auto && (
        <p className="muted" data-testid="lr-auto-reason">
          Using auto = {f.auto.reason}.
        </p>
      )}
      {state.busy === 'lrFind' && state.progress && <ProgressBar {...state.progress} />}
      {f && f.lrs.length > 0 && (
        <LrFinderChart lrs={f.lrs} losses={f.losses} suggestions={f.suggestions ? { ...f.suggestions, auto: f.auto?.lr } : {}} chosen={chosen} onPick={commands.pickLr} onPickRange={commands.pickSlice} />
      )}
    </Cell>
  );
}
