import { describe, expect, it } from 'vitest';
import { decodeText } from './text';

describe('decodeText', () => {
  it('reads UTF-8 (with or without a byte-order mark) without a word', () => {
    expect(decodeText('a.csv', new TextEncoder().encode('café,1'))).toEqual({ text: 'café,1', problems: [] });
    expect(decodeText('a.csv', new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: 'a', problems: [] });
  });

  it('reads bytes that are not UTF-8 as Windows-1252 and names the file in a warning', () => {
    const { text, problems } = decodeText('labels.csv', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x80]));
    expect(text).toBe('café,€');
    expect(problems).toEqual([{ level: 'warning', file: 'labels.csv', message: 'labels.csv is not UTF-8; read it as Windows-1252 (Latin-1)' }]);
  });

  it('reads UTF-16 with a byte-order mark (Excel’s “Unicode text”)', () => {
    expect(decodeText('a.csv', new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0xe9, 0x00])).text).toBe('aé');
    expect(decodeText('a.csv', new Uint8Array([0xfe, 0xff, 0x00, 0x61, 0x00, 0xe9])).text).toBe('aé');
  });
});
