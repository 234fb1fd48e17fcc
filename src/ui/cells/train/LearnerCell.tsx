import { memo } from 'react';
import type { LearnerSlice } from '../slices';
import type { TrainCommands } from '../../../state/trainActions';
import type { Task } from '../../../core/data/types';
import { KNOWN_BODIES, MOBILENET_V2, knownBody } from '../../../core/model/bodies';
import { BODY_NORMALIZATIONS, type BodyNormalization } from '../../../core/model/bodyNormalization';
import { pretrainedArch } from '../../../core/model/guessArch';
import { effectiveLearnerSpec } from '../../../state/guessLearner';
import { canBuildLearner, canFreeze } from '../../../state/canRun';
import { TRAIN_LIMITS as L, learnerSpecProblems } from '../../../state/inputChecks';
import type { ArchSpec } from '../../../workers/protocol';
import { Cell } from '../../components/Cell';
import { LayerGroupsTable } from '../../components/LayerGroupsTable';
import { Field, NumberInput, Select, TextInput } from '../../components/Field';

type ArchKind = ArchSpec['kind'];
const ARCHS = [
  ['smallCnn', 'small CNN (from scratch)'],
  ['xresnet', 'xresnet (from scratch)'],
  ['pretrained', 'pretrained body + new head (cnn_learner)'],
  ['unet', 'U-Net (segmentation)'],
] as const;

const BASE = import.meta.env.BASE_URL;

function archOf(kind: ArchKind): ArchSpec {
  switch (kind) {
    case 'smallCnn':
      return { kind };
    case 'xresnet':
      return { kind, depth: 'tiny' };
    case 'pretrained':
      return pretrainedArch(MOBILENET_V2, BASE);
    case 'unet':
      return { kind, encoder: 'smallCnn' };
  }
}

/** The learner: task (from the data), architecture, metrics' parameters, weight decay; its size by group. */
export const LearnerCell = memo(function LearnerCell(props: { state: LearnerSlice; commands: TrainCommands; task: string }) {
  const { state, commands } = props;
  const spec = effectiveLearnerSpec(state.learnerSpec, state.archChosen, props.task as Task, BASE);
  // A bad weight decay or threshold is named here and the learner is not built with it.
  const problems = learnerSpecProblems(props.task === 'multi' ? spec : { ...spec, thresh: 0.5, beta: 2 });
  const can = { build: canBuildLearner(state, problems), freeze: canFreeze(state) };
  return (
    <Cell index={5} title="Learner" note={`task: ${props.task}${state.archChosen ? '' : ' · architecture guessed for this task'}`}>
      <div className="steps">
        <fieldset className="step">
          <legend>Model</legend>
          <Field label="Architecture">
            <Select<ArchKind> testId="arch" value={spec.arch.kind} options={ARCHS} onChange={(k) => commands.setLearnerSpec({ ...spec, arch: archOf(k) })} />
          </Field>
          {spec.arch.kind === 'pretrained' && <BackboneSource arch={spec.arch} onChange={(arch) => commands.setLearnerSpec({ ...spec, arch })} />}
          {spec.arch.kind === 'unet' && <UnetEncoder arch={spec.arch} onChange={(arch) => commands.setLearnerSpec({ ...spec, arch })} />}
          <p className="muted" data-testid="learner-precision">
            Trains in float32: tfjs has no float16 training, so lesson 3's <code>to_fp16()</code> has no counterpart here (the PyTorch export carries it). The export can store float16 weights, half the download.
          </p>
          <Field label="Weight decay" hint="AdamW, decoupled (fastai: 0.01)">
            <NumberInput testId="wd" value={spec.wd} step={0.01} min={L.wd.min} max={L.wd.max} onChange={(wd) => commands.setLearnerSpec({ ...spec, wd })} />
          </Field>
          {props.task === 'multi' && (
            <>
              <Field label="Threshold" hint="accuracy_thresh and F-beta">
                <NumberInput testId="thresh" value={spec.thresh} step={0.05} min={L.thresh.min} max={L.thresh.max} onChange={(thresh) => commands.setLearnerSpec({ ...spec, thresh })} />
              </Field>
              <Field label="F-beta β">
                <NumberInput testId="beta" value={spec.beta} step={0.5} min={L.beta.min} max={L.beta.max} onChange={(beta) => commands.setLearnerSpec({ ...spec, beta })} />
              </Field>
            </>
          )}
        </fieldset>
        {state.learner && (
          <fieldset className="step" data-testid="learner-summary">
            <legend>{state.learner.arch}</legend>
            <LayerGroupsTable groups={state.learner.groups} rowTestId="layer-group" frozenLabel="frozen (BN only)" />
            <p className="muted">{state.learner.totalParams.toLocaleString('en')} parameters in all</p>
            {state.learner.body && (
              <p className="muted" data-testid="learner-body">
                {state.learner.body}
              </p>
            )}
          </fieldset>
        )}
      </div>
      {problems.length > 0 && (
        <ul data-testid="learner-spec-error" className="problems">
          {problems.map((m) => (
            <li key={m} className="error" data-level="error">
              <span className="level">error</span> {m}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button data-testid="learner-build" disabled={!can.build.ok} title={can.build.why} onClick={() => commands.buildLearner()}>
          {state.learner ? 'Rebuild learner' : 'Build learner'}
        </button>
        <button className="secondary" data-testid="freeze" disabled={!can.freeze.ok} title={can.freeze.why} onClick={() => commands.setFrozen(true)}>
          Freeze body
        </button>
        <button className="secondary" data-testid="unfreeze" disabled={!can.freeze.ok} title={can.freeze.why} onClick={() => commands.setFrozen(false)}>
          Unfreeze
        </button>
      </div>
    </Cell>
  );
});

type PretrainedArch = Extract<ArchSpec, { kind: 'pretrained' }>;

const CUSTOM = 'custom';

/**
 * Which body, from where, cut where, scaled how: a known body sets all of it (its cut chosen by
 * measurement); every field can be changed, and a URL or dropped files take any Keras model.
 */
function BackboneSource(props: { arch: PretrainedArch; onChange: (a: PretrainedArch) => void }) {
  const { arch } = props;
  const known = arch.files?.length ? undefined : knownBody(arch.url);
  const bodies = [...KNOWN_BODIES.map((b) => [b.id, b.label] as const), [CUSTOM, 'another URL or dropped files'] as const];
  const pick = (id: string) => {
    const body = KNOWN_BODIES.find((b) => b.id === id);
    props.onChange(body ? pretrainedArch(body, BASE) : { kind: 'pretrained', url: '' });
  };
  const cuts = known ? known.cuts.map((c) => [c, c === known.cut ? `${c} (measured best)` : c] as const) : [];
  return (
    <>
      <Field label="Body" hint={known?.source ?? 'a tfjs layers model.json (Keras topology)'}>
        <Select<string> testId="backbone-body" value={known?.id ?? CUSTOM} options={bodies} onChange={pick} />
      </Field>
      <Field label="Backbone URL" hint="a tfjs layers model.json">
        <TextInput testId="backbone-url" value={arch.url} onChange={(url) => props.onChange({ kind: 'pretrained', url })} />
      </Field>
      <Field label="…or drop files" hint={arch.files?.length ? `${arch.files.length} files chosen (used instead of the URL)` : 'model.json + .bin'}>
        <input
          type="file"
          data-testid="backbone-files"
          multiple
          accept=".json,.bin"
          onChange={(e) => props.onChange({ kind: 'pretrained', url: arch.url, files: e.target.files ? Array.from(e.target.files) : undefined })}
        />
      </Field>
      <Field label="Cut at layer" hint={known?.cut ? 'where the body ends; the head goes on top' : "empty: before the first pooling, Flatten or Dense layer (fastai's create_body)"}>
        {cuts.length > 0 ? (
          <Select<string> testId="backbone-cut" value={arch.cut ?? known!.cut ?? ''} options={cuts} onChange={(cut) => props.onChange({ ...arch, cut })} />
        ) : (
          <TextInput testId="backbone-cut" value={arch.cut ?? ''} onChange={(cut) => props.onChange({ ...arch, cut: cut || undefined })} />
        )}
      </Field>
      <Field label="Body's input scaling" hint="as the body was trained; the data block's normalization is undone in the model">
        <Select<BodyNormalization>
          testId="backbone-normalization"
          value={arch.normalization ?? known?.normalization ?? 'data'}
          options={BODY_NORMALIZATIONS}
          onChange={(normalization) => props.onChange({ ...arch, normalization })}
        />
      </Field>
      <Field label="Scale small pictures up to" hint="px, bilinear inside the model (0: never)">
        <NumberInput testId="backbone-min-side" value={arch.minSide ?? known?.minSide ?? 0} min={L.minSide.min} max={L.minSide.max} step={16} onChange={(minSide) => props.onChange({ ...arch, minSide })} />
      </Field>
    </>
  );
}

type UnetArch = Extract<ArchSpec, { kind: 'unet' }>;
const ENCODERS = [
  ['smallCnn', 'small CNN (from scratch)'],
  ['xresnet', 'xresnet (from scratch)'],
  ['pretrained', 'MobileNetV2, ImageNet (built in; starts frozen)'],
] as const;

/** The U-Net's encoder: from scratch, or the built-in ImageNet body (fastai's `unet_learner(dls, resnet34)`). */
function UnetEncoder(props: { arch: UnetArch; onChange: (a: UnetArch) => void }) {
  const pick = (encoder: UnetArch['encoder']) => {
    if (encoder !== 'pretrained') return props.onChange({ kind: 'unet', encoder });
    const body = pretrainedArch(MOBILENET_V2, BASE);
    props.onChange({ kind: 'unet', encoder, url: body.url, cut: body.cut, normalization: body.normalization });
  };
  return (
    <Field label="Encoder" hint="the U-Net's down path; its skip connections come from each resolution">
      <Select<UnetArch['encoder']> testId="unet-encoder" value={props.arch.encoder} options={ENCODERS} onChange={pick} />
    </Field>
  );
}
