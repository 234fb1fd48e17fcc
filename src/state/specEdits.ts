import { extensionOf } from '../core/data/paths';
import type { ItemsSpec, LabelSpec, SourceFile, SplitSpec } from '../core/data/types';

/** Kinds the forms offer for each step. */
export type ItemsKind = ItemsSpec['kind'];
export type LabelKind = LabelSpec['kind'];
export type SplitKind = SplitSpec['kind'];

function firstWith(files: readonly SourceFile[], ext: string): string {
  return files.find((f) => extensionOf(f.path) === ext)?.path ?? '';
}

/** A sensible items step of the given kind, filled from the chosen files. */
export function itemsOfKind(kind: ItemsKind, files: readonly SourceFile[]): ItemsSpec {
  return kind === 'folder' ? { kind } : { kind, csvPath: firstWith(files, '.csv') || 'labels.csv', fileColumn: 'name', folder: '', suffix: '' };
}

/** A sensible label step of the given kind, filled from the chosen files. */
export function labelOfKind(kind: LabelKind, files: readonly SourceFile[]): LabelSpec {
  switch (kind) {
    case 'parentFolder':
      return { kind };
    case 'csvColumn':
      return { kind, column: 'label' };
    case 'regex':
      return { kind, pattern: '^([^_]+)_' };
    case 'mask': {
      const codes = files.find((f) => f.path.toLowerCase().endsWith('codes.txt'))?.path ?? 'codes.txt';
      return { kind, template: 'labels/{name}_P{ext}', codesPath: codes, voidCode: 'Void' };
    }
    case 'points':
      return { kind, xColumn: 'x', yColumn: 'y' };
  }
}

/** A sensible split step of the given kind. */
export function splitOfKind(kind: SplitKind): SplitSpec {
  switch (kind) {
    case 'folder':
      return { kind, train: 'train', valid: 'valid' };
    case 'random':
      return { kind, validPct: 0.2, seed: 42 };
    case 'csvColumn':
      return { kind, column: 'is_valid' };
  }
}
