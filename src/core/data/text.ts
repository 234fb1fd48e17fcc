import type { Problem, SourceFile } from './types';

/**
 * Decodes a text file (a CSV, `codes.txt`) whatever program saved it. UTF-8 is read strictly:
 * a lenient decode would turn each byte of a Latin-1 `é` into U+FFFD, so the names holding one
 * would match no file. Bytes that are not UTF-8 are read as Windows-1252 (what Excel on Windows
 * writes, and a superset of Latin-1) and the person is told; a UTF-16 byte-order mark is honoured.
 * @example decodeText('labels.csv', new Uint8Array([0x63, 0xe9])).text // 'cé', with a warning
 */
export function decodeText(path: string, bytes: Uint8Array): { text: string; problems: Problem[] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), problems: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), problems: [] };
  try {
    // The decoder drops a UTF-8 byte-order mark itself.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    const text = decodeWindows1252(bytes);
    return { text, problems: [{ level: 'warning', file: path, message: `${path} is not UTF-8; read it as Windows-1252 (Latin-1)` }] };
  }
}

/**
 * Windows-1252 by hand: some Node versions' TextDecoder reads the label as ISO-8859-1 and leaves
 * 0x80..0x9F as control characters (0x80 should be €), so the command line and the browser would differ.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
  return out;
}

/** Characters of 0x80..0x9F in Windows-1252; the five bytes it leaves undefined keep their Latin-1 code point. */
const CP1252_80_9F = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

/** Reads and decodes a text file among the chosen files (see `decodeText`), or null when it is not there. */
export async function readTextFile(files: readonly SourceFile[], path: string): Promise<{ text: string; problems: Problem[] } | null> {
  const file = files.find((f) => f.path === path);
  return file ? decodeText(path, await file.read()) : null;
}
