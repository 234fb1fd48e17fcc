import type { ItemsSpec, LabelSpec, SourceFile, SplitSpec } from '../../../core/data/types';
import { itemsOfKind, labelOfKind, splitOfKind, type ItemsKind, type LabelKind, type SplitKind } from '../../../state/specEdits';
import { Field, NumberInput, Select, TextInput } from '../../components/Field';

/** Step 1: where the items are. */
export function ItemsForm(props: { value: ItemsSpec; files: readonly SourceFile[]; onChange: (v: ItemsSpec) => void }) {
  const v = props.value;
  const kinds = [
    ['folder', 'Image files under a folder'],
    ['csv', 'Rows of a CSV'],
  ] as const;
  return (
    <fieldset className="step">
      <legend>1 · Items</legend>
      <Field label="Items are">
        <Select<ItemsKind> testId="items-kind" value={v.kind} options={kinds} onChange={(k) => props.onChange(itemsOfKind(k, props.files))} />
      </Field>
      {v.kind === 'folder' && (
        <Field label="Sub-folder" hint="empty = every image">
          <TextInput testId="items-folder" value={v.folder ?? ''} onChange={(folder) => props.onChange({ ...v, folder })} />
        </Field>
      )}
      {v.kind === 'csv' && (
        <>
          <Field label="CSV file">
            <TextInput testId="items-csv" value={v.csvPath} onChange={(csvPath) => props.onChange({ ...v, csvPath })} />
          </Field>
          <Field label="File column">
            <TextInput testId="items-file-column" value={v.fileColumn} onChange={(fileColumn) => props.onChange({ ...v, fileColumn })} />
          </Field>
          <Field label="Folder" hint="names are relative to it">
            <TextInput testId="items-csv-folder" value={v.folder ?? ''} onChange={(folder) => props.onChange({ ...v, folder })} />
          </Field>
          <Field label="Suffix" hint="added to each name, e.g. .png">
            <TextInput testId="items-suffix" value={v.suffix ?? ''} onChange={(suffix) => props.onChange({ ...v, suffix })} />
          </Field>
        </>
      )}
    </fieldset>
  );
}

const LABEL_KINDS = [
  ['parentFolder', 'Parent folder name'],
  ['csvColumn', 'CSV column'],
  ['regex', 'Pattern on the file name'],
  ['mask', 'Segmentation mask + codes.txt'],
  ['points', 'Point (x, y columns of the CSV)'],
] as const;

// Multi-label separators a CSV uses in practice; the value is the separator itself.
const SEPARATORS = [
  ['', 'one label (single-label)'],
  [' ', 'several, space-separated'],
  [',', 'several, comma-separated'],
  [';', 'several, semicolon-separated'],
  ['|', 'several, |-separated'],
] as const;

/** Step 2: how each item is labelled. */
export function LabelForm(props: { value: LabelSpec; files: readonly SourceFile[]; onChange: (v: LabelSpec) => void }) {
  const v = props.value;
  return (
    <fieldset className="step">
      <legend>2 · Labels</legend>
      <Field label="Label from">
        <Select<LabelKind> testId="label-kind" value={v.kind} options={LABEL_KINDS} onChange={(k) => props.onChange(labelOfKind(k, props.files))} />
      </Field>
      {v.kind === 'csvColumn' && (
        <>
          <Field label="Column">
            <TextInput testId="label-column" value={v.column} onChange={(column) => props.onChange({ ...v, column })} />
          </Field>
          <Field label="Labels per item" hint="multi-label: the cell holds several tags">
            <Select<string> testId="label-separator" value={v.separator ?? ''} options={SEPARATORS} onChange={(s) => props.onChange({ ...v, separator: s === '' ? undefined : s })} />
          </Field>
        </>
      )}
      {v.kind === 'regex' && (
        <Field label="Pattern" hint="first capture group is the label">
          <TextInput testId="label-pattern" value={v.pattern} onChange={(pattern) => props.onChange({ ...v, pattern })} />
        </Field>
      )}
      {v.kind === 'mask' && (
        <>
          <Field label="Mask path" hint="{name}, {ext}, {dir} of the image">
            <TextInput testId="label-template" value={v.template} onChange={(template) => props.onChange({ ...v, template })} />
          </Field>
          <Field label="Codes file">
            <TextInput testId="label-codes" value={v.codesPath} onChange={(codesPath) => props.onChange({ ...v, codesPath })} />
          </Field>
          <Field label="Void code" hint="ignored by metrics">
            <TextInput testId="label-void" value={v.voidCode ?? ''} onChange={(s) => props.onChange({ ...v, voidCode: s || undefined })} />
          </Field>
        </>
      )}
      {v.kind === 'points' && (
        <>
          <Field label="x column">
            <TextInput testId="label-x" value={v.xColumn} onChange={(xColumn) => props.onChange({ ...v, xColumn })} />
          </Field>
          <Field label="y column">
            <TextInput testId="label-y" value={v.yColumn} onChange={(yColumn) => props.onChange({ ...v, yColumn })} />
          </Field>
        </>
      )}
    </fieldset>
  );
}

const SPLIT_KINDS = [
  ['folder', 'By folder names'],
  ['random', 'Random percentage'],
  ['csvColumn', 'CSV true/false column'],
] as const;

/** Step 3: training and validation sets. */
export function SplitForm(props: { value: SplitSpec; onChange: (v: SplitSpec) => void }) {
  const v = props.value;
  return (
    <fieldset className="step">
      <legend>3 · Split</legend>
      <Field label="Split">
        <Select<SplitKind> testId="split-kind" value={v.kind} options={SPLIT_KINDS} onChange={(k) => props.onChange(splitOfKind(k))} />
      </Field>
      {v.kind === 'folder' && (
        <>
          <Field label="Training folder">
            <TextInput testId="split-train" value={v.train} onChange={(train) => props.onChange({ ...v, train })} />
          </Field>
          <Field label="Validation folder">
            <TextInput testId="split-valid" value={v.valid} onChange={(valid) => props.onChange({ ...v, valid })} />
          </Field>
        </>
      )}
      {v.kind === 'random' && (
        <>
          <Field label="Validation %">
            <NumberInput testId="split-pct" value={Number((v.validPct * 100).toPrecision(12))} min={1} max={99} onChange={(p) => props.onChange({ ...v, validPct: p / 100 })} />
          </Field>
          <Field label="Seed" hint="same seed, same split everywhere">
            <NumberInput testId="split-seed" value={v.seed} onChange={(seed) => props.onChange({ ...v, seed })} />
          </Field>
        </>
      )}
      {v.kind === 'csvColumn' && (
        <Field label="Column" hint="true = validation">
          <TextInput testId="split-column" value={v.column} onChange={(column) => props.onChange({ ...v, column })} />
        </Field>
      )}
    </fieldset>
  );
}
