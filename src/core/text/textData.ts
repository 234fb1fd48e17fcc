/**
 * The text data block, as fastai's `TextDataLoaders.from_folder` / `from_csv`: items from a
 * folder of `.txt` files named by class (`train/pos`, `valid/neg`, `unsup/` for unlabelled
 * texts) or from a CSV's text and label columns; split by folder names, a CSV boolean column or
 * at random; tokenized with fastai's rules and numericalised with a vocabulary built on the
 * training (and unlabelled) texts. Bad input (an empty file, one that is not UTF-8, a CSV row
 * without text) is listed by file or line, and the rest is kept.
 */
import { isTruthy, parseCsv } from '../data/csv';
import { makeRng } from '../data/random';
import type { Problem, SourceFile } from '../data/types';
import { tokenize } from './tokenize';
import { countTokens, makeVocab, numericalize, unknownRate, type Vocab } from './vocab';

/** Where the texts come from. */
export type TextSource =
  | { readonly kind: 'folder' }
  | {
      readonly kind: 'csv';
      readonly csvPath: string;
      readonly textColumn: string;
      readonly labelColumn: string;
      readonly validColumn?: string;
      /** Set for multi-label (fastai's `label_delim`): the label cell holds tags split on it, usually a space. */
      readonly separator?: string;
    };

/** The text data block's settings: plain JSON, as the image block's spec. */
export interface TextDataSpec {
  readonly source: TextSource;
  /** Validation share when the data has no split of its own. */
  readonly validPct: number;
  readonly seed: number;
  /** fastai's `Numericalize` defaults are 3 and 60000; small data wants a lower minimum. */
  readonly minFreq: number;
  readonly maxVocab: number;
}

/** Defaults for a browser: a word needs two occurrences, at most 6,000 words. */
export const TEXT_DEFAULTS = { validPct: 0.2, seed: 42, minFreq: 2, maxVocab: 6000 } as const;

/** One text of the block, tokenized and numericalised. */
export interface TextItem {
  /** The file, or `<csv>:<line>`. */
  readonly name: string;
  readonly text: string;
  readonly tokens: readonly string[];
  readonly ids: Int32Array;
  /**
   * Class index, or -1 for an unlabelled text (language model only). In a multi-label block every
   * text read from the CSV is labelled (no tag is an answer too, as fastai's `MultiCategoryBlock`
   * reads an empty cell) and this is 0; its classes are in `tags`.
   */
  readonly label: number;
  /** The text's class indices: its tags in a multi-label block, `[label]` in a single-label one, none when unlabelled. */
  readonly tags: readonly number[];
}

/** The built block: items per split, classes, vocabulary and what was wrong with the input. */
export interface TextData {
  /** `multi` when the label column holds tags (the source's `separator` is set). */
  readonly task: 'single' | 'multi';
  readonly classes: readonly string[];
  readonly train: readonly TextItem[];
  readonly valid: readonly TextItem[];
  /** Texts without a label: the language model reads them, the classifier does not. */
  readonly unsup: readonly TextItem[];
  readonly vocab: Vocab;
  readonly problems: readonly Problem[];
  /** Share of `xxunk` among the training and the validation tokens. */
  readonly unkTrain: number;
  readonly unkValid: number;
}

/** A raw text before tokenizing: where it is, its label (or null) and split (or null for "decide"). */
interface RawText {
  readonly name: string;
  readonly text: string;
  /** The class, or the tags (multi-label); null when unlabelled. */
  readonly label: string | readonly string[] | null;
  readonly split: 'train' | 'valid' | null;
}

const IGNORED = /(^|\/)(readme\.md|license|\.ds_store)$/i;

/** True when a chosen file is a text item of a folder layout. */
export function isTextFile(path: string): boolean {
  return /\.txt$/i.test(path) && !IGNORED.test(path);
}

/**
 * Decodes a text item strictly: an empty file or bytes that are not UTF-8 are a problem naming
 * the file (a lenient decode would train on U+FFFD).
 */
export function decodeItem(path: string, bytes: Uint8Array): { text: string } | { problem: Problem } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: { level: 'warning', file: path, message: `${path} is not UTF-8 text; left out` } };
  }
  if (text.trim() === '') return { problem: { level: 'warning', file: path, message: `${path} is empty; left out` } };
  return { text };
}

/** `train/pos/a.txt` -> label `pos`, split `train`; `unsup/b.txt` -> unlabelled. */
function folderRole(path: string): { label: string | null; split: 'train' | 'valid' | null; skip: boolean } {
  const parts = path.split('/').slice(0, -1);
  const top = parts[0]?.toLowerCase();
  if (top === 'test') return { label: null, split: null, skip: true };
  if (top === 'unsup' || parts.length === 0) return { label: null, split: null, skip: false };
  const split = top === 'train' ? 'train' : top === 'valid' || top === 'validation' ? 'valid' : null;
  const label = parts.at(-1)!;
  return { label: split && parts.length === 1 ? null : label, split, skip: false };
}

async function readFolder(files: readonly SourceFile[], problems: Problem[]): Promise<RawText[]> {
  const out: RawText[] = [];
  for (const f of [...files].filter((x) => isTextFile(x.path)).sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const role = folderRole(f.path);
    if (role.skip) continue;
    const read = decodeItem(f.path, await f.read());
    if ('problem' in read) problems.push(read.problem);
    else out.push({ name: f.path, text: read.text, label: role.label, split: role.label === null ? null : role.split });
  }
  return out;
}

async function readCsv(source: Extract<TextSource, { kind: 'csv' }>, files: readonly SourceFile[], problems: Problem[]): Promise<RawText[]> {
  const file = files.find((f) => f.path === source.csvPath);
  if (!file) {
    problems.push({ level: 'error', blocking: true, field: 'source.csvPath', message: `${source.csvPath} is not among the chosen files` });
    return [];
  }
  const read = decodeItem(file.path, await file.read());
  if ('problem' in read) {
    problems.push({ ...read.problem, level: 'error', blocking: true });
    return [];
  }
  const { table, problems: csvProblems } = parseCsv(file.path, read.text);
  problems.push(...csvProblems);
  for (const col of [source.textColumn, source.labelColumn, source.validColumn]) {
    if (col && !table.columns.includes(col)) problems.push({ level: 'error', blocking: true, file: file.path, message: `${file.path} has no column "${col}" (it has ${table.columns.join(', ')})` });
  }
  if (problems.some((p) => p.blocking)) return [];
  const out: RawText[] = [];
  const sep = source.separator;
  for (const row of table.rows) {
    const text = row.values[source.textColumn] ?? '';
    const cell = (row.values[source.labelColumn] ?? '').trim();
    if (text.trim() === '') {
      problems.push({ level: 'warning', file: file.path, line: row.line, message: `${file.path} line ${row.line}: no text in "${source.textColumn}"; left out` });
      continue;
    }
    const split = source.validColumn ? (isTruthy(row.values[source.validColumn] ?? '') ? 'valid' : 'train') : null;
    // Multi-label: an empty cell is a text with none of the tags, not an unlabelled one.
    const label = sep
      ? [
          ...new Set(
            cell
              .split(sep)
              .map((t) => t.trim())
              .filter((t) => t !== ''),
          ),
        ]
      : cell === ''
        ? null
        : cell;
    out.push({ name: `${file.path}:${row.line}`, text, label, split });
  }
  return out;
}

/** A raw text's classes: its tags, its one class, or none. */
function labelsOf(r: RawText): readonly string[] {
  return r.label === null ? [] : typeof r.label === 'string' ? [r.label] : r.label;
}

/** Splits labelled texts: by their folders when both splits are there, else at random with `validPct`. */
function splitTexts(raw: readonly RawText[], spec: TextDataSpec): { train: RawText[]; valid: RawText[]; unsup: RawText[] } {
  const labelled = raw.filter((r) => r.label !== null);
  const unsup = raw.filter((r) => r.label === null);
  const bySplit = labelled.some((r) => r.split === 'train') && labelled.some((r) => r.split === 'valid');
  if (bySplit) return { train: labelled.filter((r) => r.split !== 'valid'), valid: labelled.filter((r) => r.split === 'valid'), unsup };
  const rng = makeRng(spec.seed);
  const train: RawText[] = [];
  const valid: RawText[] = [];
  for (const r of labelled) (rng() < spec.validPct ? valid : train).push(r);
  return { train, valid, unsup };
}

/**
 * Builds the text block: read, split, tokenize, vocabulary from the training and unlabelled
 * texts, numericalise. Blocking problems (no texts, a missing column) leave the splits empty.
 * @example (await buildTextData(files, { source: { kind: 'folder' }, ...TEXT_DEFAULTS })).vocab.itos[0] // 'xxunk'
 */
export async function buildTextData(files: readonly SourceFile[], spec: TextDataSpec, pretrainedWords?: ReadonlySet<string>): Promise<TextData> {
  const problems: Problem[] = [];
  const raw = spec.source.kind === 'folder' ? await readFolder(files, problems) : await readCsv(spec.source, files, problems);
  const { train, valid, unsup } = splitTexts(raw, spec);
  const task = spec.source.kind === 'csv' && spec.source.separator ? 'multi' : 'single';
  const classes = [...new Set(train.flatMap((r) => labelsOf(r)))].sort();
  if (!problems.some((p) => p.blocking)) {
    // One tag is a question too (does the text have it or not); one class is not.
    const least = task === 'multi' ? 1 : 2;
    if (classes.length < least)
      problems.push({
        level: 'error',
        blocking: true,
        message: `The texts need at least two classes to classify; found ${classes.length === 0 ? (task === 'multi' ? 'no tag in the training texts' : 'no labelled text') : `only "${classes[0]}"`}`,
      });
    else if (valid.length === 0) problems.push({ level: 'error', blocking: true, message: 'No validation texts: add a valid/ folder, or raise the validation share' });
  }
  const toks = (rs: readonly RawText[]) => rs.map((r) => tokenize(r.text));
  const [trainToks, validToks, unsupToks] = [toks(train), toks(valid), toks(unsup)];
  const vocab = makeVocab(countTokens([...trainToks, ...unsupToks]), { minFreq: spec.minFreq, maxVocab: spec.maxVocab, pretrainedWords });
  const items = (rs: readonly RawText[], ts: string[][], known: boolean): TextItem[] =>
    rs.map((r, i) => {
      const base = { name: r.name, text: r.text, tokens: ts[i], ids: numericalize(vocab, ts[i]) };
      if (r.label === null) return { ...base, label: -1, tags: [] };
      if (typeof r.label !== 'string') {
        const unknown = r.label.filter((t) => !classes.includes(t));
        if (known && unknown.length > 0) problems.push({ level: 'warning', file: r.name, message: `${r.name}: tag ${unknown.map((t) => `"${t}"`).join(', ')} has no training text; ignored` });
        return { ...base, label: 0, tags: r.label.map((t) => classes.indexOf(t)).filter((c) => c >= 0) };
      }
      const label = classes.indexOf(r.label);
      if (known && label < 0) problems.push({ level: 'warning', file: r.name, message: `${r.name}: class "${r.label}" has no training text; left out` });
      return { ...base, label, tags: label >= 0 ? [label] : [] };
    });
  const validItems = items(valid, validToks, true).filter((it) => it.label >= 0);
  return {
    task,
    classes,
    train: items(train, trainToks, false),
    valid: validItems,
    unsup: items(unsup, unsupToks, false),
    vocab,
    problems,
    unkTrain: unknownRate(vocab, trainToks),
    unkValid: unknownRate(
      vocab,
      validItems.map((it) => it.tokens),
    ),
  };
}
