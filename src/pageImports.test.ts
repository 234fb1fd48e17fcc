import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The page runs no tfjs (ARCHITECTURE.md, who owns what): nothing the page's entry reaches through
 * its static and dynamic imports may import `@tensorflow/*`, however deep (a ui cell importing a
 * constant from a core module that imports tfjs puts all of tfjs in the page's bundle). Workers
 * are started with `new Worker(new URL(...))`, which Vite bundles apart; that is not an import, so
 * the walk leaves them out. Type-only imports are erased and left out too.
 */
const ROOT = join(__dirname, '..');
const PAGE_ENTRY = join(ROOT, 'src/ui/app/main.tsx');

/** The module specifiers a file imports at run time: value imports, re-exports, `import()`. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specs.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** A relative specifier as Vite resolves it (no extension, or a folder's index); null for assets. */
function resolveSource(from: string, spec: string): string | null {
  const base = join(dirname(from), spec.split('?')[0]);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => /\.tsx?$/.test(c) && existsSync(c) && statSync(c).isFile()) ?? null;
}

/** The files the entry reaches, and every tfjs import among them as the chain of files that leads to it. */
function walkFrom(entry: string): { reached: string[]; tfjs: string[] } {
  const via = new Map<string, string>();
  const seen = new Set([entry]);
  const queue = [entry];
  const tfjs: string[] = [];
  const chainOf = (file: string): string[] => (via.has(file) ? [...chainOf(via.get(file)!), file] : [file]);
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('@tensorflow/')) tfjs.push([...chainOf(file).map((f) => relative(ROOT, f)), spec].join(' -> '));
      if (!spec.startsWith('.')) continue;
      const next = resolveSource(file, spec);
      if (next && !seen.has(next)) {
        seen.add(next);
        via.set(next, file);
        queue.push(next);
      }
    }
  }
  return { reached: [...seen].map((f) => relative(ROOT, f)), tfjs };
}

describe("the page's bundle", () => {
  const page = walkFrom(PAGE_ENTRY);
  it('walks the real graph: the entry reaches the cells, the stores and the worker client, not the worker', () => {
    // Guards the walk itself: a resolver that found nothing would pass the next test vacuously.
    expect(page.reached).toEqual(expect.arrayContaining(['src/ui/app/App.tsx', 'src/state/dataActions.ts', 'src/workers/client.ts', 'src/ui/cells/train/LearnerCell.tsx']));
    expect(page.reached).not.toContain('src/workers/train.worker.ts');
  });

  it('imports no tfjs, not even through a core module (the worker owns the data and the model)', () => {
    expect(page.tfjs).toEqual([]);
  });
});
