/**
 * The notebook's runs as `train.py` replays them (`plan.json`): each run is one fastai fit with
 * its epochs, rate (one, or a `[lo, hi]` slice over the layer groups), frozen or not, the picture
 * size and one-cycle's knobs. fastai's `fine_tune` is written out as its two fits.
 */
import type { SizeSpec } from '../../data/sizeSpec';
import { fineTunePlan } from '../../train/fineTune';
import { changedOneCycle, type LrSpec, type OneCycleOptions } from '../../train/schedules';

/** One fit as the studio recorded it (the page's `FitRun`, the command line's options). */
export interface RecordedRun {
  readonly epochs: number;
  readonly lr: LrSpec;
  readonly size: SizeSpec;
  readonly frozen: boolean;
  readonly oneCycle: boolean;
  readonly cycle?: OneCycleOptions;
  /** fastai's `fine_tune`: `epochs` counts the frozen ones too, as the page records it. */
  readonly fineTune?: { readonly freezeEpochs: number };
}

/** One fit of `plan.json`. */
export interface PlanRun {
  readonly epochs: number;
  readonly lr: LrSpec;
  readonly frozen: boolean;
  readonly size: SizeSpec;
  readonly oneCycle: boolean;
  /** One-cycle's knobs that differ from fastai's defaults. */
  readonly cycle?: OneCycleOptions;
  /** The fastai call this run is, for the notebook and the README, e.g. `fit_one_cycle(2, 1e-3)`. */
  readonly call: string;
}

/** `plan.json`: the runs and the learner's settings. */
export interface TrainingPlan {
  readonly runs: readonly PlanRun[];
  /** AdamW's decoupled weight decay (never on batch norm or biases). */
  readonly wd: number;
  /** Multi-label metric threshold and F-beta's beta. */
  readonly threshold: number;
  readonly beta: number;
  /** True when the body came pretrained: without `--resume`, train.py keeps it and makes a new head. */
  readonly pretrainedBody: boolean;
  /** What was left out of the recorded runs, said in words (fits on corrections, failed fits). */
  readonly notes: readonly string[];
}

/** The learner settings a plan needs. */
export interface PlanSettings {
  readonly wd: number;
  readonly threshold: number;
  readonly beta: number;
  readonly pretrainedBody: boolean;
  /** The size and rate of the one run written when nothing was trained yet. */
  readonly size: SizeSpec;
}

/** fastai's spelling of a rate: `1e-3`, or `slice(1e-5, 1e-3)`. */
export function lrText(lr: LrSpec): string {
  // Small rates as Python writes them (1e-05 reads 1e-5 here), larger ones plain.
  const n = (v: number) => {
    const r = Number(v.toPrecision(3));
    return r < 1e-3 ? r.toExponential() : String(r);
  };
  return typeof lr === 'number' ? n(lr) : `slice(${n(lr[0])}, ${n(lr[1])})`;
}

function cycleArgs(cycle: OneCycleOptions | undefined): string {
  if (!cycle) return '';
  const args = [
    cycle.pctStart !== undefined ? `pct_start=${cycle.pctStart}` : '',
    cycle.div !== undefined ? `div=${cycle.div}` : '',
    cycle.divFinal !== undefined ? `div_final=${cycle.divFinal}` : '',
    cycle.moms ? `moms=(${cycle.moms.join(', ')})` : '',
  ];
  return args
    .filter(Boolean)
    .map((a) => `, ${a}`)
    .join('');
}

/** A plan run with its fastai call written from its fields. */
function planRun(run: Omit<PlanRun, 'call'>): PlanRun {
  const cycle = run.cycle && Object.keys(run.cycle).length > 0 ? run.cycle : undefined;
  const call = run.oneCycle ? `fit_one_cycle(${run.epochs}, ${lrText(run.lr)}${cycleArgs(cycle)})` : `fit(${run.epochs}, ${lrText(run.lr)})`;
  return { ...run, ...(cycle ? { cycle } : { cycle: undefined }), call };
}

/** fastai's `fine_tune` as its two fits (see `fineTunePlan`). */
function fineTuneRuns(run: RecordedRun, freezeEpochs: number): PlanRun[] {
  const base = typeof run.lr === 'number' ? run.lr : run.lr[1];
  const plan = fineTunePlan(Math.max(run.epochs - freezeEpochs, 0), base, { freezeEpochs });
  const out = [planRun({ epochs: plan.frozen.epochs, lr: plan.frozen.lr, frozen: true, size: run.size, oneCycle: true, cycle: { pctStart: plan.frozen.pctStart } })];
  if (plan.unfrozen.epochs > 0)
    out.push(planRun({ epochs: plan.unfrozen.epochs, lr: plan.unfrozen.lr, frozen: false, size: run.size, oneCycle: true, cycle: { pctStart: plan.unfrozen.pctStart, div: plan.unfrozen.div } }));
  return out;
}

/**
 * The plan of a notebook's recorded runs; with none yet, one `fit_one_cycle(1, 1e-3)` at the
 * block's size (frozen when the body is pretrained, as fastai's `vision_learner` starts).
 * @example planFromRuns([{ epochs: 2, lr: 1e-3, size: 28, frozen: false, oneCycle: true }], settings).runs[0].call // 'fit_one_cycle(2, 0.001)'
 */
export function planFromRuns(recorded: readonly RecordedRun[], settings: PlanSettings, notes: readonly string[] = []): TrainingPlan {
  const runs = recorded.flatMap((r) =>
    r.fineTune ? fineTuneRuns(r, r.fineTune.freezeEpochs) : [planRun({ epochs: r.epochs, lr: r.lr, frozen: r.frozen, size: r.size, oneCycle: r.oneCycle, cycle: r.cycle ? changedOneCycle(r.cycle) : undefined })],
  );
  const fallback = planRun({ epochs: 1, lr: 1e-3, frozen: settings.pretrainedBody, size: settings.size, oneCycle: true });
  const { size: _size, ...rest } = settings;
  return { runs: runs.length > 0 ? runs : [fallback], ...rest, notes: runs.length > 0 ? notes : [...notes, 'Nothing was trained in the studio yet: the plan is one fit_one_cycle(1, 1e-3).'] };
}
