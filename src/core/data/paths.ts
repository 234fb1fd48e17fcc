/** Path helpers for forward-slash relative paths, the same in Node and in a browser. */

/** Extensions the studio decodes, lower case with the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif'];

/**
 * True for a path that points outside the folder the person chose: a `..` segment, an absolute
 * path or a drive letter, with either slash. A zip can hold such names (`../evil.png`); they are
 * never files of the data set, and a `..` segment would otherwise become a class named `..`.
 * @example escapesRoot('../evil.png') // true
 */
export function escapesRoot(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return p.startsWith('/') || /^[a-z]:/i.test(p) || p.split('/').includes('..');
}

/** Normalizes separators and strips `./` and a leading slash. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.?\/+/, '')
    .replace(/\/{2,}/g, '/');
}

/** The extension with its dot, lower case; `''` when there is none. */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** True when the file name looks like an image we can decode (case-insensitive). */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extensionOf(path));
}

/** Last path segment. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Everything before the last segment; `''` at the root. */
export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** File name without its extension. */
export function stem(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Joins segments, skipping empty ones. */
export function joinPath(...parts: string[]): string {
  return normalizePath(parts.filter((p) => p !== '').join('/'));
}
