import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Keeps imports one-way, as DESIGN.md lays out: ui -> state -> workers/client -> core, with io
 * called from state or workers and never from core. Tests may reach across (they need files).
 */
const SRC = join(__dirname);
const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['io', 'workers', 'state', 'ui'],
  io: ['workers', 'state', 'ui'],
  workers: ['state', 'ui'],
  state: ['ui'],
  ui: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !full.includes('/testing/') ? [full] : [];
  });
}

function importsOf(text: string): string[] {
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2]);
}

function layerOf(path: string): string {
  return relative(SRC, path).split('/')[0];
}

describe('one-way imports', () => {
  const files = sourceFiles(SRC);
  it('finds the layers', () => {
    expect(files.some((f) => layerOf(f) === 'core')).toBe(true);
  });
  it('no layer imports one above it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(join(file, '..', spec));
        if (FORBIDDEN[from]?.includes(to)) violations.push(`${relative(SRC, file)} imports ${spec} (${from} -> ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
  it('the page (ui, state) imports no tfjs: the training worker owns the data and the model', () => {
    const offenders = files.filter((f) => ['ui', 'state'].includes(layerOf(f)) && importsOf(readFileSync(f, 'utf8')).some((spec) => spec.startsWith('@tensorflow/'))).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
  it('core uses no React and no DOM globals', () => {
    const offenders = files
      .filter((f) => layerOf(f) === 'core')
      .filter((f) => {
        const text = readFileSync(f, 'utf8');
        return /from ['"]react/.test(text) || /\b(window|document)\.\w/.test(text);
      })
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
