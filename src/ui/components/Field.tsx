import type { ReactNode } from 'react';

/** A labelled form control; `hint` says in a few words what the value does. */
export function Field(props: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint && <span className="field-hint">{props.hint}</span>}
    </label>
  );
}

/** A text input that reports its value as a string. */
export function TextInput(props: { testId: string; value: string; onChange: (v: string) => void; placeholder?: string }) {
  return <input type="text" data-testid={props.testId} value={props.value} placeholder={props.placeholder} onChange={(e) => props.onChange(e.target.value)} />;
}

/** A number input; an empty or unparsable entry is ignored rather than turned into NaN. */
export function NumberInput(props: { testId: string; value: number; onChange: (v: number) => void; step?: number; min?: number; max?: number }) {
  return (
    <input
      type="number"
      data-testid={props.testId}
      value={props.value}
      step={props.step ?? 1}
      min={props.min}
      max={props.max}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(v)) props.onChange(v);
      }}
    />
  );
}

/** A select over string options with readable labels. */
export function Select<T extends string>(props: { testId: string; value: T; options: readonly (readonly [T, string])[]; onChange: (v: T) => void }) {
  return (
    <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
      {props.options.map(([v, label]) => (
        <option key={v} value={v}>
          {label}
        </option>
      ))}
    </select>
  );
}

/** A checkbox with its label beside it. */
export function Check(props: { testId: string; label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" data-testid={props.testId} checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      {props.label}
    </label>
  );
}
