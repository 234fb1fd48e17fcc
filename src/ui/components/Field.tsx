import { useState, type ReactNode } from 'react';
import { formatSize, isSizeError, parseSize, sameSize, type SizeSpec } from '../../core/data/sizeSpec';

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

/**
 * A number input. What the person types is passed on as it is, so the command that uses it can
 * name a bad value: an empty or unparsable entry as NaN (never the old value kept silently), and
 * 0, -1, 2.5 or 1e6 as those numbers. The typed text stays in the box while it means the value.
 */
export function NumberInput(props: { testId: string; value: number; onChange: (v: number) => void; step?: number; min?: number; max?: number }) {
  const [typed, setTyped] = useState<string | null>(null);
  const typedValue = typed === null || typed.trim() === '' ? NaN : Number(typed);
  // The typed text while it still says the value (or the value is NaN, as an empty box makes it); else the value.
  const shown = typed !== null && (Object.is(typedValue, props.value) || typedValue === props.value || Number.isNaN(props.value)) ? typed : Number.isNaN(props.value) ? '' : String(props.value);
  return (
    <input
      type="number"
      data-testid={props.testId}
      value={shown}
      step={props.step ?? 1}
      min={props.min}
      max={props.max}
      onChange={(e) => {
        const text = e.target.value;
        setTyped(text);
        // A number box reports '' for text it cannot read (`abc`, `1e`): that is NaN, not "no change".
        props.onChange(text.trim() === '' ? NaN : Number(text));
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

/**
 * A training size: one number (a square) or height × width (`120x160`). As `NumberInput`, a bad
 * entry is passed on (as NaN) for the data block's checks to name, never dropped silently.
 */
export function SizeInput(props: { testId: string; value: SizeSpec; onChange: (v: SizeSpec) => void }) {
  const [typed, setTyped] = useState<string | null>(null);
  const parsed = typed === null ? null : parseSize(typed);
  const valid = (v: SizeSpec) => typeof v !== 'number' || !Number.isNaN(v);
  // The typed text while it still says the value (or the value is unreadable); else the value, formatted.
  const means = parsed !== null && !isSizeError(parsed) && valid(props.value) && sameSize(parsed, props.value);
  const shown = typed !== null && (means || !valid(props.value)) ? typed : valid(props.value) ? formatSize(props.value) : '';
  return (
    <input
      type="text"
      inputMode="numeric"
      data-testid={props.testId}
      value={shown}
      placeholder="128 or 120x160"
      onChange={(e) => {
        setTyped(e.target.value);
        const next = parseSize(e.target.value);
        props.onChange(isSizeError(next) ? NaN : next);
      }}
    />
  );
}
