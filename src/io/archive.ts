import { gunzip, gunzipSync, unzip, unzipSync } from 'fflate';
import { escapesRoot, normalizePath } from '../core/data/paths';
import type { SourceFile } from '../core/data/types';

/** The archive kinds `untar_data` takes: what the file name ends with decides. */
export function archiveKind(name: string): 'zip' | 'tgz' | 'tar' | null {
  const n = name.toLowerCase().split(/[?#]/)[0];
  if (n.endsWith('.zip')) return 'zip';
  if (n.endsWith('.tgz') || n.endsWith('.tar.gz')) return 'tgz';
  if (n.endsWith('.tar')) return 'tar';
  return null;
}

/**
 * The files of a `.zip`, `.tgz`/`.tar.gz` or `.tar`, as a chosen folder's: a single top folder
 * (fastai's archives hold `mnist_tiny/…`) is dropped. An entry whose name escapes the archive
 * keeps a path that shows it, so the data block leaves it out and names it.
 */
export function unpackArchive(name: string, bytes: Uint8Array): SourceFile[] {
  const kind = archiveKind(name);
  if (kind === 'zip') return filesFromEntries(unzipSync(bytes));
  if (kind === 'tgz') return filesFromEntries(untar(gunzipSync(bytes)));
  if (kind === 'tar') return filesFromEntries(untar(bytes));
  throw new Error(`${name} is not a .zip, .tgz, .tar.gz or .tar archive`);
}

/**
 * `unpackArchive` off the page's thread: fflate inflates in its own workers, so a large download
 * does not freeze the page while it unpacks (tar's headers are then only read, not inflated).
 */
export async function unpackArchiveAsync(name: string, bytes: Uint8Array): Promise<SourceFile[]> {
  const kind = archiveKind(name);
  if (kind === 'zip') return filesFromEntries(await promised<Record<string, Uint8Array>>((done) => unzip(bytes, done)));
  if (kind === 'tgz') return filesFromEntries(untar(await promised<Uint8Array>((done) => gunzip(bytes, done))));
  return unpackArchive(name, bytes);
}

function promised<T>(run: (done: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));
}

/** Archive entries (name to bytes) as SourceFiles; folders, macOS metadata and dot-underscore files are skipped. */
export function filesFromEntries(entries: Readonly<Record<string, Uint8Array>>): SourceFile[] {
  const all = Object.keys(entries).filter((n) => !n.endsWith('/') && !n.startsWith('__MACOSX/') && !(n.split('/').pop() ?? '').startsWith('._'));
  const names = all.filter((n) => !escapesRoot(n));
  const tops = new Set(names.map((n) => n.split('/')[0]));
  const strip = tops.size === 1 && names.every((n) => n.includes('/'));
  const escaping = all.filter((n) => escapesRoot(n)).map((n) => ({ path: n.replace(/\\/g, '/'), size: entries[n].length, read: async () => entries[n] }));
  return [
    ...names.map((n) => {
      const data = entries[n];
      const path = strip ? n.slice(n.indexOf('/') + 1) : n;
      return { path: normalizePath(path), size: data.length, read: async () => data };
    }),
    ...escaping,
  ];
}

const BLOCK = 512;
const text = new TextDecoder();

/**
 * The regular files of a tar archive (POSIX ustar, with GNU long names and PAX `path` records,
 * as GNU tar and macOS's bsdtar write them).
 */
export function untar(bytes: Uint8Array): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  let at = 0;
  let longName: string | null = null;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, length: number) => text.decode(header.subarray(from, from + length)).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`the tar archive is damaged at byte ${at}: a header gives no size`);
    const type = String.fromCharCode(header[156] || 48);
    // Only POSIX ustar has a name prefix there (GNU's format keeps other fields at that offset).
    const prefix = text.decode(header.subarray(257, 263)) === 'ustar\0' ? field(345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = bytes.subarray(at + BLOCK, at + BLOCK + size);
    if (body.length < size) throw new Error(`the tar archive is cut short in ${name}`);
    longName = null;
    if (type === 'L') longName = text.decode(body).replace(/\0.*$/s, '');
    else if (type === 'x') longName = paxPath(body);
    else if (type === '0' || type === '7') out[name] = body.slice();
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

/** The `path` of a PAX extended header (`<length> path=<value>\n` records), or null. */
function paxPath(body: Uint8Array): string | null {
  for (const record of text.decode(body).split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(record);
    if (m) return m[1];
  }
  return null;
}
