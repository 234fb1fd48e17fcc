/**
 * A bundle as one `.zip` (fflate, synchronous: bundles are a few MB at most), and back. Reading
 * accepts what people make by hand: files inside one top folder, macOS `__MACOSX` litter.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { BundleFiles } from './bundle';

/** Options of `zipBundle`. */
export interface ZipOptions {
  /** Modification time stored for every entry; fixed for reproducible archives. */
  readonly mtime?: Date;
  /** Put every file under this folder, as a downloaded project usually is (`my_model/model.json`). */
  readonly folder?: string;
}

/**
 * Zips a bundle. Weights are stored without compression (float noise does not shrink), text is deflated.
 * @example const bytes = zipBundle(makeBundle(artifacts, manifest), { folder: 'mnist_model' });
 */
export function zipBundle(files: BundleFiles, opts: ZipOptions = {}): Uint8Array {
  const prefix = opts.folder ? `${opts.folder.replace(/\/+$/, '')}/` : '';
  const mtime = opts.mtime ?? new Date();
  const entries: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) {
    entries[prefix + name] = [bytes, { level: name.endsWith('.bin') ? 0 : 6, mtime }];
  }
  return zipSync(entries);
}

/** Entries that are not part of any bundle: folders, macOS resource forks, Finder files. */
function isLitter(path: string): boolean {
  return path.endsWith('/') || path.startsWith('__MACOSX/') || /(^|\/)\.DS_Store$/.test(path);
}

/** The one folder every path starts with (`a/` for `a/x`, `a/b/y`), or '' when there is none. */
function commonTopFolder(paths: readonly string[]): string {
  const tops = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/') + 1) : '')));
  const [top] = tops;
  return tops.size === 1 && top ? top : '';
}

/**
 * Unzips a bundle into file name -> bytes, with a single top folder stripped so `model.json`
 * is at the root either way.
 * @throws Error when the bytes are not a zip archive
 * @example const r = readBundle(unzipBundle(new Uint8Array(await file.arrayBuffer())));
 */
export function unzipBundle(bytes: Uint8Array): BundleFiles {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new Error(`The file is not a readable zip archive (${(e as Error).message}).`, { cause: e });
  }
  return bundleFromEntries(entries);
}

/**
 * A bundle from files by path (a zip's entries, or a chosen folder), with a single top folder
 * stripped so `model.json` is at the root and `teachable-machine/model.json` stays apart from it.
 * @example bundleFromEntries({ 'studio-x/model.json': a, 'studio-x/teachable-machine/model.json': b }) // { 'model.json': a, 'teachable-machine/model.json': b }
 */
export function bundleFromEntries(entries: Readonly<Record<string, Uint8Array>>): BundleFiles {
  // Windows zips may use backslashes; `./` prefixes add nothing.
  const files = Object.entries(entries)
    .map(([raw, data]) => [raw.replace(/\\/g, '/').replace(/^\.?\//, ''), data] as const)
    .filter(([path]) => !isLitter(path));
  const top = commonTopFolder(files.map(([path]) => path));
  return Object.fromEntries(files.map(([path, data]) => [path.slice(top.length), data]));
}
