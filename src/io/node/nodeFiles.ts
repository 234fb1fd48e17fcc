import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../../core/data/types';

/**
 * Lists every file under a folder as SourceFiles with paths relative to it, for the command
 * line and for tests; the browser gets the same shape from a folder chooser.
 * @example const files = readFolder('public/samples/mnist_tiny');
 */
export function readFolder(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(nodeFile(full, relative(root, full).split(sep).join('/')));
    }
  };
  walk(root);
  return out;
}

/** One file on disk as a SourceFile under the given relative path. */
export function nodeFile(fullPath: string, path: string): SourceFile {
  return { path, size: statSync(fullPath).size, read: async () => new Uint8Array(readFileSync(fullPath)) };
}

/** A SourceFile held in memory, for tests that need a broken or hand-made file. */
export function memoryFile(path: string, bytes: Uint8Array | string): SourceFile {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { path, size: data.length, read: async () => data };
}
