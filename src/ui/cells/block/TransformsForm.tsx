import { DECODED_BUDGET_BYTES } from '../../../core/data/decode';
import { SPEC_LIMITS as L } from '../../../core/data/specChecks';
import type { DataBlockSpec, ResizeMethod, TransformSpec } from '../../../core/data/types';
import { Check, Field, NumberInput, Select, SizeInput } from '../../components/Field';

const RESIZE = [
  ['crop', 'crop (random in training)'],
  ['squish', 'squish'],
  ['pad', 'pad'],
] as const;

/** Step 4 and 5: sizing, augmentation, batch size and normalization. */
export function TransformsForm(props: { spec: DataBlockSpec; onChange: (v: DataBlockSpec) => void }) {
  const t = props.spec.transforms;
  const setT = (patch: Partial<TransformSpec>) => props.onChange({ ...props.spec, transforms: { ...t, ...patch } });
  const norm = props.spec.normalize.kind;
  return (
    <>
      <fieldset className="step">
        <legend>4 · Transforms</legend>
        <Field label="Size (px)" hint="one side, or height × width (120x160)">
          <SizeInput testId="tfm-size" value={t.size} onChange={(size) => setT({ size })} />
        </Field>
        <Field label="Resize">
          <Select<ResizeMethod> testId="tfm-resize" value={t.resize} options={RESIZE} onChange={(resize) => setT({ resize })} />
        </Field>
        <div className="checks">
          <Check testId="tfm-flip" label="flip" checked={t.flip} onChange={(flip) => setT({ flip })} />
          <Check testId="tfm-flip-vert" label="flip_vert (all 8 dihedral)" checked={t.flipVert} onChange={(flipVert) => setT({ flipVert })} />
        </div>
        <Field label="max_rotate (°)">
          <NumberInput testId="tfm-rotate" value={t.maxRotate} min={L.maxRotate.min} max={L.maxRotate.max} onChange={(maxRotate) => setT({ maxRotate })} />
        </Field>
        <Field label="max_zoom">
          <NumberInput testId="tfm-zoom" value={t.maxZoom} min={L.maxZoom.min} max={L.maxZoom.max} step={0.05} onChange={(maxZoom) => setT({ maxZoom })} />
        </Field>
        <Field label="max_lighting">
          <NumberInput testId="tfm-lighting" value={t.maxLighting} min={L.maxLighting.min} max={L.maxLighting.max} step={0.05} onChange={(maxLighting) => setT({ maxLighting })} />
        </Field>
        <Field label="max_warp">
          <NumberInput testId="tfm-warp" value={t.maxWarp} min={L.maxWarp.min} max={L.maxWarp.max} step={0.05} onChange={(maxWarp) => setT({ maxWarp })} />
        </Field>
      </fieldset>
      <fieldset className="step">
        <legend>5 · Batch</legend>
        <Field label="Batch size">
          <NumberInput
            testId="batch-size"
            value={props.spec.batch.batchSize}
            min={L.batchSize.min}
            max={L.batchSize.max}
            onChange={(batchSize) => props.onChange({ ...props.spec, batch: { ...props.spec.batch, batchSize } })}
          />
        </Field>
        <Field label="Memory for pictures (MB)" hint="more than this is streamed from the files">
          <NumberInput
            testId="batch-memory"
            value={props.spec.batch.memoryMB ?? DECODED_BUDGET_BYTES / 2 ** 20}
            min={L.memoryMB.min}
            max={L.memoryMB.max}
            onChange={(memoryMB) => props.onChange({ ...props.spec, batch: { ...props.spec.batch, memoryMB } })}
          />
        </Field>
        <Field label="Normalize with">
          <Select
            testId="normalize"
            value={norm}
            options={
              [
                ['imagenet', 'ImageNet statistics'],
                ['data', 'statistics of this data'],
                ['none', 'none'],
              ] as const
            }
            onChange={(kind) => props.onChange({ ...props.spec, normalize: { kind } })}
          />
        </Field>
      </fieldset>
    </>
  );
}
