import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveKind, unpackArchive, unpackArchiveAsync } from './archive';

const dir = mkdtempSync(join(tmpdir(), 'studio-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = `${'deep/'.repeat(25)}digit.png`; // over tar's 100-character name field
const content: Record<string, string> = { 'set/train/3/a.png': 'three', 'set/valid/7/b.png': 'seven', [`set/${LONG}`]: 'long', 'set/labels.csv': 'name,label\na.png,3\n' };

function writeTree(root: string): void {
  for (const [path, body] of Object.entries(content)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), body);
  }
}

async function asText(files: ReturnType<typeof unpackArchive>): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f.path, new TextDecoder().decode(await f.read())] as const)));
}

const expected = Object.fromEntries(Object.entries(content).map(([p, b]) => [p.slice('set/'.length), b]));

describe('unpackArchive (datasets from a URL, like untar_data)', () => {
  writeTree(join(dir, 'tree'));
  it.each(['gnu', 'posix'])('reads a .tgz made by tar (%s format), long names included, dropping the single top folder', async (format) => {
    const tgz = join(dir, `set-${format}.tgz`);
    execFileSync('tar', [`--format=${format}`, '-czf', tgz, '-C', join(dir, 'tree'), 'set']);
    expect(await asText(unpackArchive('set.tgz', new Uint8Array(readFileSync(tgz))))).toEqual(expected);
  });

  it('reads a plain .tar and a .zip the same way', async () => {
    const tar = join(dir, 'set.tar');
    execFileSync('tar', ['-cf', tar, '-C', join(dir, 'tree'), 'set']);
    expect(await asText(unpackArchive('set.tar', new Uint8Array(readFileSync(tar))))).toEqual(expected);
    const zip = zipSync(Object.fromEntries(Object.entries(content).map(([p, b]) => [p, new TextEncoder().encode(b)])));
    expect(await asText(unpackArchive('https://example.org/set.zip?raw=1', zip))).toEqual(expected);
  });

  it('names what it cannot read', () => {
    expect(archiveKind('data.tar.gz')).toBe('tgz');
    expect(() => unpackArchive('notes.txt', new Uint8Array(3))).toThrow('notes.txt is not a .zip, .tgz, .tar.gz or .tar archive');
    expect(() => unpackArchive('broken.tgz', gzipSync(new Uint8Array(600).fill(55)))).toThrow(/damaged|cut short/);
  });
});

describe('unpackArchiveAsync', () => {
  it('gives what unpackArchive gives, inflating off the calling thread', async () => {
    const tgz = join(dir, 'set-async.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', join(dir, 'tree'), 'set']);
    const bytes = new Uint8Array(readFileSync(tgz));
    expect(await asText(await unpackArchiveAsync('set.tgz', bytes))).toEqual(expected);
    const zip = zipSync({ 'a/b.png': new Uint8Array([1, 2]) });
    expect((await unpackArchiveAsync('a.zip', zip)).map((f) => f.path)).toEqual(['b.png']);
  });
});
