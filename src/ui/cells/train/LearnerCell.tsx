import type { TrainCommands } from '../../../state/trainActions';
import type { TrainState } from '../../../state/trainState';
import type { ArchSpec } from '../../../workers/protocol';
import { Cell } from '../../components/Cell';
import { Field, NumberInput, Select, TextInput } from '../../components/Field';

type ArchKind = ArchSpec['kind'];
const ARCHS = [
  ['smallCnn', 'small CNN (from scratch)'],
  ['xresnet', 'xresnet (from scratch)'],
  ['pretrained', 'pretrained MNIST backbone + new head'],
  ['unet', 'U-Net (segmentation)'],
] as const;

function archOf(kind: ArchKind): ArchSpec {
  switch (kind) {
    case 'smallCnn':
      return { kind };
    case 'xresnet':
      return { kind, depth: 'tiny' };
    case 'pretrained':
      return { kind, url: `${import.meta.env.BASE_URL}models/mnist-backbone/model.json` };
    case 'unet':
      return { kind, encoder: 'smallCnn' };
  }
}

/** The learner: task (from the data), architecture, metrics' parameters, weight decay; its size by group. */
export function LearnerCell(props: { state: TrainState; commands: TrainCommands; task: string }) {
  const { state, commands } = props;
  const spec = state.learnerSpec;
  const busy = state.busy !== null;
  return (
    <Cell index={5} title="Learner" note={`task: ${props.task}`}>
      <div className="steps">
        <fieldset className="step">
          <legend>Model</legend>
          <Field label="Architecture">
            <Select<ArchKind> testId="arch" value={spec.arch.kind} options={ARCHS} onChange={(k) => commands.setLearnerSpec({ ...spec, arch: archOf(k) })} />
          </Field>
          {spec.arch.kind === 'pretrained' && <BackboneSource arch={spec.arch} onChange={(arch) => commands.setLearnerSpec({ ...spec, arch })} />}
          <Field label="Weight decay" hint="AdamW, decoupled (fastai: 0.01)">
            <NumberInput testId="wd" value={spec.wd} step={0.01} min={0} onChange={(wd) => commands.setLearnerSpec({ ...spec, wd })} />
          </Field>
          {props.task === 'multi' && (
            <>
              <Field label="Threshold" hint="accuracy_thresh and F-beta">
                <NumberInput testId="thresh" value={spec.thresh} step={0.05} min={0.01} max={0.99} onChange={(thresh) => commands.setLearnerSpec({ ...spec, thresh })} />
              </Field>
              <Field label="F-beta β">
                <NumberInput testId="beta" value={spec.beta} step={0.5} min={0.5} onChange={(beta) => commands.setLearnerSpec({ ...spec, beta })} />
              </Field>
            </>
          )}
        </fieldset>
        {state.learner && (
          <fieldset className="step" data-testid="learner-summary">
            <legend>{state.learner.arch}</legend>
            <table className="counts">
              <thead>
                <tr>
                  <th>layer group</th>
                  <th>parameters</th>
                  <th>trains</th>
                </tr>
              </thead>
              <tbody>
                {state.learner.groups.map((g) => (
                  <tr key={g.name} data-testid="layer-group" data-frozen={g.frozen}>
                    <td>{g.name}</td>
                    <td>{g.params.toLocaleString('en')}</td>
                    <td>{g.frozen ? 'frozen (BN only)' : 'yes'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">{state.learner.totalParams.toLocaleString('en')} parameters in all</p>
          </fieldset>
        )}
      </div>
      <div className="actions">
        <button data-testid="learner-build" disabled={busy} onClick={() => commands.buildLearner()}>
          {state.learner ? 'Rebuild learner' : 'Build learner'}
        </button>
        <button className="secondary" data-testid="freeze" disabled={busy || !state.learner} onClick={() => commands.setFrozen(true)}>
          Freeze body
        </button>
        <button className="secondary" data-testid="unfreeze" disabled={busy || !state.learner} onClick={() => commands.setFrozen(false)}>
          Unfreeze
        </button>
      </div>
    </Cell>
  );
}

type PretrainedArch = Extract<ArchSpec, { kind: 'pretrained' }>;

/** Where the backbone comes from: a URL (the built-in one by default) or dropped model files. */
function BackboneSource(props: { arch: PretrainedArch; onChange: (a: PretrainedArch) => void }) {
  const { arch } = props;
  return (
    <>
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
    </>
  );
}
