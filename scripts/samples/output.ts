/**
 * Where a sample's files go, and the record of them that ends up in `index.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rng } from '../../src/core/data/random';
import type { MnistSet } from './idx';

/** Writes the files of one sample under its folder and remembers their relative paths, in order. */
export class SampleOutput {
  /** Paths relative to the sample folder, in the order they were written. */
  readonly files: string[] = [];
  private readonly madeDirs = new Set<string>();

  constructor(readonly root: string) {}

  /**
   * Writes `bytes` (or UTF-8 text) at `relPath` under the sample folder, creating folders as needed.
   * @example out.write('train/3/7463.png', encodeGray(28, 28, pixels))
   */
  write(relPath: string, bytes: Uint8Array | string): void {
    const full = join(this.root, relPath);
    const dir = dirname(full);
    if (!this.madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    writeFileSync(full, bytes);
    this.files.push(relPath);
  }
}

/** Joins CSV lines with a trailing newline; callers pass cells that need no quoting. */
export function csvText(header: string, rows: readonly string[]): string {
  return [header, ...rows].join('\n') + '\n';
}

/** Both MNIST splits, loaded once and shared by every sample. */
export interface MnistSource {
  readonly train: MnistSet;
  readonly test: MnistSet;
}

/** One sample dataset: how it is described in `index.json` and how its files are made. */
export interface SampleDef {
  /** Folder name under the output folder, e.g. `mnist_tiny`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Seed of this sample's own generator, so samples do not shift when another one changes. */
  readonly seed: number;
  /** Writes every file of the sample through `out`; all randomness comes from `rng`. */
  build(out: SampleOutput, mnist: MnistSource, rng: Rng): void;
}
