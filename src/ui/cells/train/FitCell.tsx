import { useMemo, useRef } from 'react';
import { formatSize } from '../../../core/data/sizeSpec';
import { ONE_CYCLE_DEFAULTS } from '../../../core/train/schedules';
import { canFineTuneRecipe, canFit, canResume, canStop } from '../../../state/canRun';
import { TRAIN_LIMITS, cycleProblem } from '../../../state/inputChecks';
import { schedulePreview } from '../../../state/schedulePreview';
import type { TrainCommands } from '../../../state/trainActions';
import type { FitRun, TrainState } from '../../../state/trainState';
import { LiveLossChart } from '../../charts/LiveLossChart';
import { LossChart } from '../../charts/LossChart';
import { SchedulePreviewChart } from '../../charts/SchedulePreviewChart';
import { Cell } from '../../components/Cell';
import { EpochTable } from '../../components/EpochTable';
import { Check, Field, NumberInput, TextInput } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { useThrottled } from '../../hooks/useThrottled';

/** `fit_one_cycle`: epochs and rate, live loss curves, fastai's epoch table, and every run kept. */
export function FitCell(props: { state: TrainState; commands: TrainCommands; hasData: boolean; text?: boolean }) {
  const { state, commands } = props;
  // fine_tune and the cached-features fast path are for a pretrained image body; text has ULMFiT's steps.
  const imageRecipes = !props.text;
  const fitting = state.busy === 'fit';
  const frozenBody = state.learner?.groups.some((g) => g.frozen) ?? false;
  const last = state.runs.at(-1);
  const interrupted = last?.status === 'interrupted' ? last : null;
  const can = { fit: canFit(state), fineTune: canFineTuneRecipe(state), stop: canStop(state), resume: canResume(state, props.hasData) };
  // The live chart and the table redraw at most once a second during a fit; Plotly, whose redraw
  // cost 100-250 ms on a software-rendered page (`npm run bench:browser`), only when the fit ends.
  const history = useThrottled(state.history, 1000);
  const shownHistory = useRef(state.history);
  if (!fitting) shownHistory.current = state.history;
  return (
    <Cell index={7} title="Train (one-cycle)" note="fit_one_cycle(epochs, lr); a slice lo,hi spreads over the layer groups">
      <div className="actions">
        <Field label="Epochs">
          <NumberInput testId="fit-epochs" value={state.epochs} min={TRAIN_LIMITS.epochs.min} max={TRAIN_LIMITS.epochs.max} onChange={commands.setEpochs} />
        </Field>
        <Field label="Learning rate" hint="e.g. 3e-3, or 1e-5,1e-3">
          <TextInput testId="lr-input" value={state.lrInput} onChange={commands.setLr} />
        </Field>
        {imageRecipes && frozenBody && (
          <span title="The frozen body sees the same pictures every epoch without augmentation, so its features are computed once and only the head trains on them: much faster, with the body's batch norm fixed (fastai keeps training it).">
            <Check testId="fit-fast-head" label="fast: train the head on cached body features" checked={state.fastHead} onChange={commands.setFastHead} />
          </span>
        )}
        <button data-testid="fit-run" disabled={!can.fit.ok} title={can.fit.why} onClick={() => commands.fit()}>
          Fit
        </button>
        {imageRecipes && (
          <button
            className="secondary"
            data-testid="fit-fine-tune"
            disabled={!can.fineTune.ok}
            onClick={() => commands.fineTuneRecipe()}
            title={can.fineTune.why ?? "fastai's fine_tune(epochs, lr): 1 epoch with the body frozen at lr, then the epochs above unfrozen at slice(lr/200, lr/2)"}
          >
            fine_tune
          </button>
        )}
        <button className="secondary" data-testid="fit-stop" disabled={!can.stop.ok} title={can.stop.why} onClick={() => commands.stop()}>
          Stop
        </button>
        {interrupted && (
          <button data-testid="fit-resume" disabled={!can.resume.ok} onClick={() => commands.resume()} title={can.resume.why}>
            Resume fit {interrupted.index} from epoch {(interrupted.savedEpochs ?? 0) + 1}
          </button>
        )}
        {state.autosaved && (
          <span className="muted" data-testid="autosave-status" data-run={state.autosaved.run} data-epoch={state.autosaved.epoch + 1}>
            saved: fit {state.autosaved.run}, epoch {state.autosaved.epoch + 1}
          </span>
        )}
      </div>
      {!fitting && <OneCycleSettingsForm state={state} commands={commands} />}
      {state.busy === 'fit' && state.progress && <ProgressBar {...state.progress} />}
      {/* Always there once a learner exists, so its first numbers do not shift (and resize) the chart below. */}
      {state.learner && (
        <p className="muted" data-testid="data-wait" data-wait-ms={state.timing?.dataWaitMs.toFixed(1) ?? ''} data-step-ms={state.timing?.stepMs.toFixed(1) ?? ''}>
          {state.timing
            ? `per training step: ${state.timing.stepMs.toFixed(0)} ms computing, ${state.timing.dataWaitMs.toFixed(0)} ms waiting for its batch (${((100 * state.timing.dataWaitMs) / (state.timing.dataWaitMs + state.timing.stepMs)).toFixed(0)}% of the time)`
            : 'per training step: computing and waiting-for-data times appear during a fit'}
        </p>
      )}
      {/* Plotly is created (empty) as soon as there is a learner, the costly part, and kept while a fit
          runs, hidden and not redrawn; the canvas chart shows the fit live, and Plotly catches up once at its end. */}
      {state.learner && fitting && <LiveLossChart series={history} />}
      {state.learner && (
        <div style={{ display: fitting ? 'none' : undefined }}>
          <LossChart series={shownHistory.current} />
        </div>
      )}
      {state.rows.length > 0 && <EpochTable rows={state.rows.map((r) => ({ ...r, fit: r.run }))} />}
      <ol className="runs" data-testid="fit-runs">
        {state.runs.map((r) => (
          <li key={r.index} data-testid="fit-run-output" data-status={r.status} data-tensors={r.tensors}>
            {/* Text has no picture size and no cached-features path. */}
            <b>fit {r.index}</b>: {runCall(r)}
            {props.text ? '' : ` at ${formatSize(r.size)}px`}
            {r.frozen && !r.fineTune ? ', body frozen' : ''}
            {r.fastHead && !props.text ? ' (head on cached features)' : ''}
            {r.corrections ? `, with ${r.corrections} correction${r.corrections === 1 ? '' : 's'}` : ''} — <span className={`status ${r.status}`}>{r.status}</span>
            {r.message && <span className={r.status === 'failed' ? 'error' : 'muted'}> {r.message}</span>}
          </li>
        ))}
      </ol>
    </Cell>
  );
}

/** The run as the fastai call it was: fit_one_cycle(3, 1e-3, pct_start=0.3) or fine_tune(2, 1e-2, freeze_epochs=1). */
function runCall(r: FitRun): string {
  if (r.stages) return r.stages.join('; ');
  if (r.fineTune) return `fine_tune(${r.epochs - r.fineTune.freezeEpochs}, ${r.lr}, freeze_epochs=${r.fineTune.freezeEpochs})`;
  const c = r.cycle ?? {};
  const knobs = [
    c.pctStart !== undefined ? `pct_start=${c.pctStart}` : '',
    c.div !== undefined ? `div=${c.div}` : '',
    c.divFinal !== undefined ? `div_final=${c.divFinal.toExponential(0).replace('e+', 'e')}` : '',
    c.moms ? `moms=(${c.moms.join(', ')})` : '',
  ].filter((k) => k !== '');
  return `fit_one_cycle(${[r.epochs, r.lr.includes(',') ? `slice(${r.lr})` : r.lr, ...knobs].join(', ')})`;
}

/** One-cycle's knobs with fastai's defaults, and the schedule they give, drawn before the fit. */
function OneCycleSettingsForm(props: { state: TrainState; commands: TrainCommands }) {
  const { state, commands } = props;
  const c = state.cycle;
  // Only when what it draws changes: the cell re-renders on every progress event.
  const preview = useMemo(() => schedulePreview({ lrInput: state.lrInput, epochs: state.epochs, cycle: state.cycle, learner: state.learner }), [state.lrInput, state.epochs, state.cycle, state.learner]);
  const problem = cycleProblem(c);
  const setMom = (i: number) => (v: number) => commands.setCycle({ moms: c.moms.map((m, j) => (j === i ? v : m)) as [number, number, number] });
  return (
    <details className="cycle" data-testid="fit-cycle">
      <summary>
        one-cycle schedule: pct_start {c.pctStart}, div {c.div}, div_final {c.divFinal.toExponential(0).replace('e+', 'e')}, moms ({c.moms.join(', ')})
      </summary>
      <div className="actions">
        <Field label="pct_start" hint="share of the fit spent warming up">
          <NumberInput testId="fit-pct-start" value={c.pctStart} step={0.05} min={TRAIN_LIMITS.pctStart.min} max={TRAIN_LIMITS.pctStart.max} onChange={(v) => commands.setCycle({ pctStart: v })} />
        </Field>
        <Field label="div" hint="starts at lr / div">
          <NumberInput testId="fit-div" value={c.div} min={TRAIN_LIMITS.div.min} onChange={(v) => commands.setCycle({ div: v })} />
        </Field>
        <Field label="div_final" hint="ends at lr / div_final">
          <NumberInput testId="fit-div-final" value={c.divFinal} min={TRAIN_LIMITS.divFinal.min} onChange={(v) => commands.setCycle({ divFinal: v })} />
        </Field>
        <Field label="moms" hint="momentum at start, peak lr, end">
          <span className="moms">
            {c.moms.map((m, i) => (
              <NumberInput key={i} testId={`fit-mom-${i}`} value={m} step={0.01} min={0} max={TRAIN_LIMITS.mom.max} onChange={setMom(i)} />
            ))}
          </span>
        </Field>
        <button className="secondary" data-testid="fit-cycle-defaults" onClick={() => commands.setCycle({ ...ONE_CYCLE_DEFAULTS })}>
          fastai's defaults
        </button>
      </div>
      {problem && <p className="error">{problem}</p>}
      {problem ? null : preview ? <SchedulePreviewChart preview={preview} /> : <p className="muted">Type a learning rate to see the schedule.</p>}
    </details>
  );
}
