import type * as tf from '@tensorflow/tfjs';
import type { DataLoaders } from '../core/data/batch';
import type { DataBlock } from '../core/data/block';
import { sidesOf } from '../core/data/sizeSpec';
import type { DataBlockSpec } from '../core/data/types';
import type { GroupedModel } from '../core/model/types';
import type { StudioManifest } from '../core/project/manifest';
import type { TrainingState } from '../core/project/optimizerFiles';
import type { PictureView } from '../core/train/predictPicture';
import { Learner } from '../core/train/learner';
import type { LearnerInfo, LearnerSpec } from './protocol';
import { describeLearner, multiLabelMetrics, sameOutputs } from './sessionParts';

// What a TrainSession holds, as one union: each command narrows it with `requireData` or
// `requireLearner`, whose errors say what the person has to do first.

/** The data block the worker built, the spec it was built from and its loaders. */
export interface SessionData {
  readonly block: DataBlock;
  readonly spec: DataBlockSpec;
  readonly dls: DataLoaders;
}

/** A model loaded from a bundle, with Adam's moments and the epoch count when the bundle had them. */
export interface ImportedModel {
  readonly grouped: GroupedModel;
  readonly manifest: StudioManifest;
  readonly training: TrainingState | null;
}

/**
 * - `empty`: nothing yet.
 * - `data`: a data block, no model.
 * - `learner`: a learner training on the data block (built, or an imported model whose outputs
 *   fit the data); `frozen` is whether its body is frozen.
 * - `imported`: a model from a bundle that predicts but has no data it fits (none yet, or a block
 *   whose task or classes differ); it becomes a learner once matching data arrives.
 */
export type SessionState =
  | { readonly kind: 'empty' }
  | { readonly kind: 'data'; readonly data: SessionData }
  | { readonly kind: 'learner'; readonly data: SessionData; readonly learner: Learner; readonly spec: LearnerSpec; readonly frozen: boolean }
  | { readonly kind: 'imported'; readonly data: SessionData | null; readonly model: ImportedModel; readonly spec: LearnerSpec };

export type LearnerState = Extract<SessionState, { kind: 'learner' }>;

/** The session's data block, or an error saying to build it. */
export function requireData(state: SessionState): SessionData {
  if (state.kind === 'empty' || state.data === null) throw new Error('Build the data block first');
  return state.data;
}

/** The session's learner state, or an error saying what is missing (the learner, or data an imported model fits). */
export function requireLearner(state: SessionState): LearnerState {
  if (state.kind === 'learner') return state;
  if (state.kind === 'imported' && state.data === null) throw new Error('The imported model needs its data to train or interpret: choose the folder again');
  if (state.kind === 'imported') throw new Error(`The imported model predicts ${state.model.manifest.task} (${state.model.manifest.classes.length} classes) but this data block does not match: build a new learner`);
  throw new Error('Build the learner first');
}

/** The data block a state keeps once its model is gone. */
export function withoutModel(state: SessionState): SessionState {
  if (state.kind === 'empty' || state.data === null) return { kind: 'empty' };
  return { kind: 'data', data: state.data };
}

/** Frees the learner's optimizer and the model (built or imported) of a state, if it has one. */
export function disposeModel(state: SessionState): void {
  if (state.kind === 'learner') {
    state.learner.dispose();
    state.learner.model.dispose();
  } else if (state.kind === 'imported') state.model.grouped.model.dispose();
}

/**
 * A learner over `data` with the learner settings; from an imported model with its optimizer
 * state, it goes on where that bundle's fit stopped.
 */
export function makeLearner(grouped: GroupedModel, data: SessionData, spec: LearnerSpec, training: TrainingState | null = null): Learner {
  const { dls } = data;
  const learner = new Learner(dls, grouped, { wd: spec.wd, metrics: dls.task === 'multi' ? multiLabelMetrics(spec) : undefined });
  if (training) {
    try {
      learner.opt.importMoments(training.moments);
      learner.continueFrom(training.epochsRun);
    } catch {
      // Moments of another architecture: the fit starts them afresh, as a new optimizer would.
    }
  }
  return learner;
}

/** The model that predicts now (the learner's, else an imported one), how it takes pictures and its layer groups. */
export function predictorOf(state: SessionState): { model: tf.LayersModel; view: PictureView; grouped: GroupedModel } {
  if (state.kind === 'learner') {
    const { learner } = state;
    const dls = learner.dls;
    const view = { task: dls.task, classes: dls.classes, height: dls.height, width: dls.width, stats: dls.stats, resize: state.data.spec.transforms.resize };
    return { model: learner.model, view, grouped: learner.grouped };
  }
  if (state.kind === 'imported') {
    const m = state.model.manifest;
    const view = { task: m.task, classes: m.classes, ...sidesOf(m.inputSize), stats: m.normalize, resize: m.spec.transforms.resize };
    return { model: state.model.grouped.model, view, grouped: state.model.grouped };
  }
  throw new Error('Build the learner or import a model first');
}

/** The learner cell's summary of the state's model. */
export function learnerInfoOf(state: SessionState): LearnerInfo {
  if (state.kind === 'learner') return describeLearner(state.learner.grouped, state.learner.dls.task, state.spec.arch, state.frozen);
  if (state.kind === 'imported') return describeLearner(state.model.grouped, state.model.manifest.task, state.spec.arch, false);
  throw new Error('Build the learner first');
}

/**
 * The state once `data` is the session's block: a learner trains on it from now on (a new size
 * keeps it: progressive resizing), and an imported model whose outputs fit it becomes the learner.
 */
export function withData(state: SessionState, data: SessionData | null): SessionState {
  if (data === null) return state;
  if (state.kind === 'learner') {
    state.learner.replaceData(data.dls);
    return { ...state, data };
  }
  if (state.kind === 'imported') {
    const { grouped, manifest, training } = state.model;
    if (!sameOutputs(manifest, data.dls.task, data.dls.classes)) return { ...state, data };
    // An imported model starts unfrozen, and its optimizer state is used once, by this learner.
    return { kind: 'learner', data, learner: makeLearner(grouped, data, state.spec, training), spec: state.spec, frozen: false };
  }
  return { kind: 'data', data };
}
