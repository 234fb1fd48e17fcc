/**
 * Words from text, as fastai's `Tokenizer(WordTokenizer())`: the rules of `rules.ts`, then a word
 * splitter that follows spaCy's English tokenizer closely enough for a language model.
 *
 * spaCy splits each whitespace-separated chunk by peeling prefixes (opening quotes and brackets,
 * currency), suffixes (closing punctuation, `'s`, `n't`, `%`) and infixes (hyphens between
 * letters, `...`), keeping URLs, e-mail addresses, numbers and a table of exceptions whole.
 * This one does the same with short tables. Known differences from spaCy 3 `en`:
 * - exceptions are a short list of abbreviations (`e.g.`, `mr.`, `u.s.`, ...) and single-letter
 *   acronyms (`a.b.c.`), not spaCy's ~1,000 entries; emoticons like `:)` are split into `:` `)`;
 * - contractions are split by suffix (`do n't`, `i 'm`, `ca n't`, `wo n't`), as spaCy does,
 *   but spaCy's norm exceptions (`gonna` -> `gon na`) are not applied;
 * - spaCy keeps runs of whitespace other than one space (`\n\n`) as tokens; here newlines are
 *   dropped, since a language model over e-mails would otherwise learn mostly line breaks;
 * - the character classes are Unicode letters and digits rather than spaCy's per-script tables.
 */
import { DEFAULT_RULES, SPECIAL_TOKENS, applyRules, type TextRule } from './rules';

/** Options of `tokenize`. */
export interface TokenizeOptions {
  /** Pre-processing rules, fastai's defaults by default (they add `xxbos` and lower-case). */
  readonly rules?: readonly TextRule[];
}

const SPECIAL = new Set(SPECIAL_TOKENS);

// Abbreviations whose final period belongs to the word (a small part of spaCy's exceptions).
const ABBREVIATIONS = new Set([
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'prof.',
  'st.',
  'jr.',
  'sr.',
  'vs.',
  'etc.',
  'e.g.',
  'i.e.',
  'inc.',
  'ltd.',
  'co.',
  'corp.',
  'no.',
  'a.m.',
  'p.m.',
  'u.s.',
  'u.k.',
  'jan.',
  'feb.',
  'mar.',
  'apr.',
  'aug.',
  'sep.',
  'sept.',
  'oct.',
  'nov.',
  'dec.',
  'approx.',
  'dept.',
]);

// A URL never ends with closing punctuation: that is the sentence's (spaCy's URL pattern does the same).
const URL = /^(?:(?:https?|ftp):\/\/|www\.)\S*[^\s.,!?;:)\]'"]$/i;
const EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}$/u;
const NUMBER = /^[+-]?(?:\d+(?:[.,:]\d+)*)$/;
const ACRONYM = /^(?:\p{L}\.){2,}$/u;
const PREFIX = /^(?:[([{<"'`‘“«¡¿*$£€¥§~]|\.\.\.|…)/u;
const CONTRACTION = /^(.+?)(n't|'s|'m|'re|'ve|'ll|'d|’s|’m|’re|’ve|’ll|’d|n’t)$/u;
const SUFFIX = /(?:[)\]}>"'`’”»!?;:,%…*]|\.\.\.|\.)$/u;
// Split inside a chunk: hyphens or dashes between letters, `...` or `…` between words,
// `:<>=` between a letter or digit and a letter, a comma between letters.
const INFIX = /(?<=[\p{L}])(?:--|[-–—~])(?=[\p{L}])|(?<=[\p{L}\p{N}])(?:\.\.\.|…)(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])[:<>=](?=[\p{L}])|(?<=[\p{L}]),(?=[\p{L}])/u;

/** True when a chunk is kept whole: a special token, URL, e-mail, number, abbreviation or acronym. */
function isWhole(chunk: string): boolean {
  return SPECIAL.has(chunk) || URL.test(chunk) || EMAIL.test(chunk) || NUMBER.test(chunk) || ABBREVIATIONS.has(chunk) || ACRONYM.test(chunk);
}

/** Splits one whitespace-free chunk: prefixes off the front, suffixes off the back, infixes in the middle. */
function splitChunk(chunk: string, out: string[]): void {
  if (chunk === '') return;
  if (isWhole(chunk)) {
    out.push(chunk);
    return;
  }
  const prefix = PREFIX.exec(chunk);
  if (prefix && prefix[0].length < chunk.length) {
    out.push(prefix[0]);
    splitChunk(chunk.slice(prefix[0].length), out);
    return;
  }
  const suffixes: string[] = [];
  let rest = chunk;
  for (;;) {
    if (isWhole(rest)) break;
    const contraction = CONTRACTION.exec(rest);
    if (contraction) {
      suffixes.unshift(contraction[2]);
      rest = contraction[1];
      continue;
    }
    const suffix = SUFFIX.exec(rest);
    if (!suffix || suffix[0].length === rest.length) break;
    suffixes.unshift(suffix[0]);
    rest = rest.slice(0, -suffix[0].length);
  }
  if (suffixes.length > 0) {
    splitChunk(rest, out);
    out.push(...suffixes);
    return;
  }
  splitInfixes(rest, out);
}

/** Splits at infixes, keeping each infix as its own token. */
function splitInfixes(chunk: string, out: string[]): void {
  const m = isWhole(chunk) ? null : INFIX.exec(chunk);
  if (!m) {
    out.push(chunk);
    return;
  }
  const head = chunk.slice(0, m.index);
  const tail = chunk.slice(m.index + m[0].length);
  if (head) out.push(head);
  out.push(m[0]);
  if (tail) splitChunk(tail, out);
}

/**
 * Splits pre-processed text into words the way spaCy's English tokenizer roughly does.
 * @example splitWords("xxbos i don't like it, (really).") // ['xxbos', 'i', 'do', "n't", 'like', 'it', ',', '(', 'really', ')', '.']
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(/\s+/)) splitChunk(chunk, out);
  return out;
}

/**
 * One text to tokens: fastai's rules, then `splitWords`.
 * @example tokenize('I LOVE this movie!!!') // ['xxbos', 'i', 'xxup', 'love', 'this', 'movie', 'xxrep', '3', '!']
 */
export function tokenize(text: string, opts: TokenizeOptions = {}): string[] {
  return splitWords(applyRules(text, opts.rules ?? DEFAULT_RULES));
}

/** Tokenizes many texts. */
export function tokenizeAll(texts: readonly string[], opts: TokenizeOptions = {}): string[][] {
  return texts.map((t) => tokenize(t, opts));
}
