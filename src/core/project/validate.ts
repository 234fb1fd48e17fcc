/**
 * Small checkers for JSON read from a file: each one names the dotted field at fault
 * (`spec.label.kind`, `history[2].validLoss`), so a person sees which part of a project is bad.
 */

import type { SizeSpec } from '../data/sizeSpec';

/** A value JSON can hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object whose fields are not checked yet. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A field that is missing or has the wrong kind of value; `field` is its dotted path. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`"${field}" ${problem}`);
    this.name = 'FieldError';
  }
}

/** A short description of a value for a message: `missing`, `"foo"`, `42`, `an array`. */
export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function fail(field: string, expected: string, v: unknown): never {
  throw new FieldError(field, v === undefined ? `is missing (expected ${expected})` : `must be ${expected}, got ${describe(v)}`);
}

/** A plain object. */
export function asObject(v: unknown, field: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
  return v as JsonObject;
}

/** A string (empty allowed unless `nonEmpty`). */
export function asString(v: unknown, field: string, nonEmpty = false): string {
  if (typeof v !== 'string' || (nonEmpty && v.length === 0)) fail(field, nonEmpty ? 'a non-empty string' : 'a string', v);
  return v;
}

/** Bounds for `asNumber`. */
export interface NumberRule {
  readonly int?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A finite number within the rule. */
export function asNumber(v: unknown, field: string, rule: NumberRule = {}): number {
  const { int = false, min = -Infinity, max = Infinity } = rule;
  const kind = int ? 'a whole number' : 'a number';
  const range = min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : max < Infinity ? ` <= ${max}` : '';
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v)) || v < min || v > max) fail(field, kind + range, v);
  return v;
}

/** A training size: a whole number >= 1 (a square) or `[height, width]` of two. */
export function asSize(v: unknown, field: string): SizeSpec {
  if (Array.isArray(v)) {
    if (v.length !== 2) fail(field, 'one whole number or [height, width]', v);
    return [asNumber(v[0], `${field}[0]`, { int: true, min: 1 }), asNumber(v[1], `${field}[1]`, { int: true, min: 1 })];
  }
  return asNumber(v, field, { int: true, min: 1 });
}

/** A number that may be NaN: JSON writes NaN as null, so null reads back as NaN. */
export function asNumberOrNaN(v: unknown, field: string): number {
  if (v === null) return NaN;
  if (typeof v !== 'number') fail(field, 'a number or null', v);
  return v;
}

/** A boolean. */
export function asBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') fail(field, 'true or false', v);
  return v;
}

/** One of a few strings. */
export function asOneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(field, `one of ${values.map((s) => `"${s}"`).join(', ')}`, v);
  return v as T;
}

/** An array whose items each pass `item` (named `field[i]`). */
export function asArray<T>(v: unknown, field: string, item: (x: unknown, f: string) => T): T[] {
  if (!Array.isArray(v)) fail(field, 'an array', v);
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

/** `check(v)` when the field is present, else undefined. */
export function optional<T>(v: unknown, field: string, check: (x: unknown, f: string) => T): T | undefined {
  return v === undefined ? undefined : check(v, field);
}

/** An object of numbers (NaN allowed, written as null), e.g. metrics by name. */
export function asNumberRecord(v: unknown, field: string): Record<string, number> {
  const o = asObject(v, field);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, asNumberOrNaN(x, `${field}.${k}`)]));
}

/** Any JSON value: no functions, no undefined, no non-finite numbers, no class instances. */
export function asJson(v: unknown, field: string): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return asNumber(v, field);
  if (Array.isArray(v)) return v.map((x, i) => asJson(x, `${field}[${i}]`));
  const o = asObject(v, field);
  if (Object.getPrototypeOf(o) !== Object.prototype && Object.getPrototypeOf(o) !== null) fail(field, 'plain JSON', v);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, asJson(x, `${field}.${k}`)]));
}
