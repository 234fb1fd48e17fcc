/**
 * Real English text available offline, for the text learning tests until the spam-assassin sample
 * is installed: the prose paragraphs of the READMEs and changelogs of the packages in
 * node_modules (top level and scoped, in sorted path order, so the choice is deterministic for
 * a given package-lock). Code blocks, tables, badges and link targets are removed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng, shuffled } from '../../data/random';

const ROOT = join(process.cwd(), 'node_modules');

/** Package folders at the top of node_modules and under each `@scope`, sorted. */
function packageDirs(): string[] {
  const dirs: string[] = [];
  for (const name of readdirSync(ROOT).sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(ROOT, name)).sort()) dirs.push(join(ROOT, name, sub));
    else dirs.push(join(ROOT, name));
  }
  return dirs;
}

/** The first existing file among `names` in `dir`. */
function firstFile(dir: string, names: readonly string[]): string | null {
  for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  return null;
}

/** Markdown to prose paragraphs: no fenced code, tables, headings, HTML, images or link targets. */
export function proseParagraphs(markdown: string): string[] {
  const noCode = markdown.replace(/```[\s\S]*?```/g, '\n\n');
  return noCode
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .filter((l) => !/^\s*(#|\||<|!\[|\[!\[| {4})/.test(l))
        .join(' ')
        .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/`([^`]*)`/g, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((p) => p.length >= 40 && (p.match(/[A-Za-z]/g)?.length ?? 0) / p.length > 0.6);
}

/** Paragraphs of each package's file among `names`, one list per package that has one. */
function packageParagraphs(names: readonly string[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const dir of packageDirs()) {
    const file = firstFile(dir, names);
    if (!file) continue;
    // Duplicate paragraphs (the same licence notice in many READMEs) would leak between splits.
    const ps = proseParagraphs(readFileSync(file, 'utf8')).filter((p) => !seen.has(p) && seen.add(p));
    if (ps.length > 0) out.push(ps);
  }
  return out;
}

/** README prose, one list of paragraphs per package. */
export function readmeParagraphs(): string[][] {
  return packageParagraphs(['README.md', 'readme.md', 'Readme.md']);
}

/** Changelog prose, one list of paragraphs per package. */
export function changelogParagraphs(): string[][] {
  return packageParagraphs(['CHANGELOG.md', 'changelog.md', 'HISTORY.md', 'History.md']);
}

/** Splits packages into train and valid: every `k`-th package goes to valid, so no package is in both. */
export function splitByPackage(perPackage: readonly string[][], k = 5): { train: string[]; valid: string[] } {
  const train: string[] = [];
  const valid: string[] = [];
  perPackage.forEach((ps, i) => (i % k === k - 1 ? valid : train).push(...ps));
  return { train, valid };
}

/** The first texts of `texts` (tokenized) holding at least `n` tokens between them. */
export function firstTokens(texts: readonly string[][], n: number): string[][] {
  const out: string[][] = [];
  let total = 0;
  for (const t of texts) {
    if (total >= n) break;
    out.push(t);
    total += t.length;
  }
  return out;
}

/** Every `k`-th of `xs` for `n` items, spread over the whole list (so no single package dominates). */
function spread<T>(xs: readonly T[], n: number): T[] {
  const step = Math.max(1, Math.floor(xs.length / n));
  return xs.filter((_, i) => i % step === 0).slice(0, n);
}

/**
 * Two classes of real text: README paragraphs (0) and changelog paragraphs (1), `perClass` of
 * each spread over all packages, shuffled with `seed` and split 80/20 at random by paragraph
 * (split by package, a classifier this small learns the packages' words rather than the kinds of text).
 */
export function readmeVsChangelog(perClass: number, seed: number): { train: { texts: string[]; labels: number[] }; valid: { texts: string[]; labels: number[] } } {
  const items = shuffled([...spread(readmeParagraphs().flat(), perClass).map((t) => [t, 0] as const), ...spread(changelogParagraphs().flat(), perClass).map((t) => [t, 1] as const)], makeRng(seed));
  const cut = Math.floor(items.length * 0.8);
  const part = (xs: (readonly [string, number])[]) => ({ texts: xs.map((x) => x[0]), labels: xs.map((x) => x[1]) });
  return { train: part(items.slice(0, cut)), valid: part(items.slice(cut)) };
}
