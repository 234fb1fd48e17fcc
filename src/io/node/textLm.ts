import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MORE_WORDS_FILE, parsePretrainedLm, type PretrainedLm } from '../../core/text/pretrainedLmFile';

/**
 * The shipped language model read from disk, for Node tests, benches and scripts.
 * @example const lm = readPretrainedLm();
 */
export function readPretrainedLm(dir = join('public', 'models', 'text-lm')): PretrainedLm {
  const more = join(dir, MORE_WORDS_FILE);
  return parsePretrainedLm(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), readBuffer(join(dir, 'weights.bin')), dir, existsSync(more) ? readBuffer(more) : undefined);
}

function readBuffer(path: string): ArrayBuffer {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
