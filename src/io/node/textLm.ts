import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePretrainedLm, type PretrainedLm } from '../../core/text/pretrainedLmFile';

/**
 * The shipped language model read from disk, for Node tests, benches and scripts.
 * @example const lm = readPretrainedLm();
 */
export function readPretrainedLm(dir = join('public', 'models', 'text-lm')): PretrainedLm {
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const weights = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parsePretrainedLm(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), weights, dir);
}
