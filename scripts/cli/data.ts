import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { buildDataBlock, type DataBlock } from '../../src/core/data/block';
import type { SizeSpec } from '../../src/core/data/sizeSpec';
import type { DataBlockSpec, Problem, SourceFile } from '../../src/core/data/types';
import { decodeInNode } from '../../src/io/node/nodeDecode';
import { nodeFile, readFolder } from '../../src/io/node/nodeFiles';
import { checkSpec } from '../../src/core/project/specCheck';
import { FieldError } from '../../src/core/project/validate';
import { CliError } from './args';

/**
 * Reads a data-block JSON as the studio exports it (`JSON.stringify(spec)`), checks it with the
 * project file's `checkSpec` (a bad field is a `CliError` naming it), then applies `--size` and `--bs`.
 * @example loadSpec('scripts/blocks/mnist_tiny.json', { size: 28 })
 */
export function loadSpec(path: string, overrides: { readonly size?: SizeSpec; readonly bs?: number } = {}): DataBlockSpec {
  if (!existsSync(path)) throw new CliError(`${path}: no such data-block file`);
  let spec: DataBlockSpec;
  try {
    spec = checkSpec(JSON.parse(readFileSync(path, 'utf8')), 'block');
  } catch (e) {
    if (e instanceof SyntaxError) throw new CliError(`${path} is not valid JSON: ${e.message}`);
    if (e instanceof FieldError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
  return {
    ...spec,
    transforms: { ...spec.transforms, size: overrides.size ?? spec.transforms.size },
    batch: { ...spec.batch, batchSize: overrides.bs ?? spec.batch.batchSize },
  };
}

/**
 * The files of `--folder`, plus `--csv` under its base name (replacing a file of that name at
 * the root), so a Planet `labels.csv` kept elsewhere reads as if it were in the folder.
 */
export function gatherFiles(folder: string, csv?: string): SourceFile[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new CliError(`--folder ${folder}: no such folder`);
  const files = readFolder(folder);
  if (csv === undefined) return files;
  if (!existsSync(csv) || !statSync(csv).isFile()) throw new CliError(`--csv ${csv}: no such file`);
  const name = basename(csv);
  return [...files.filter((f) => f.path !== name), nodeFile(resolve(csv), name)];
}

/**
 * Builds the block from files on disk, printing every problem one per line through `warn`;
 * a blocking problem is a `CliError` (exit 1).
 */
export async function buildBlockOrFail(spec: DataBlockSpec, files: readonly SourceFile[], warn: (line: string) => void): Promise<DataBlock> {
  const block = await buildDataBlock(spec, { files, decode: decodeInNode });
  for (const p of block.problems) warn(formatProblem(p));
  if (!block.ok) {
    const first = block.problems.find((p) => p.blocking);
    throw new CliError(`The data block cannot be built${first ? `: ${first.message}` : ''}`);
  }
  for (const s of block.steps) warn(`${s.step}: ${s.text}`);
  return block;
}

/**
 * One problem on one line: level, where (file, CSV line, spec field) and the message.
 * @example formatProblem(p) // 'error: labels.csv (field label.column): The CSV has no column "kind"'
 */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.file) where.push(p.file);
  // Item problems often already say "line N:" in their message.
  if (p.line !== undefined && !p.message.includes(`line ${p.line}`)) where.push(`line ${p.line}`);
  if (p.field) where.push(`field ${p.field}`);
  return `${p.level}: ${where.length ? `${where.join(', ')}: ` : ''}${p.message}`;
}
