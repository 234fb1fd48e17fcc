import { unzipSync } from 'fflate';
import { extensionOf, normalizePath } from '../core/data/paths';
import { filesFromEntries } from './archive';
import type { SourceFile } from '../core/data/types';

// The File behind each SourceFile made here, so it can cross to a worker without being read.
const blobs = new WeakMap<SourceFile, Blob>();

/** A browser `File` as a SourceFile under the given relative path. */
export function fromFile(file: File, path: string): SourceFile {
  const source: SourceFile = { path: normalizePath(path), size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) };
  blobs.set(source, file);
  return source;
}

/** The Blob behind a SourceFile when it came from a browser File, else undefined. */
export function blobOf(source: SourceFile): Blob | undefined {
  return blobs.get(source);
}

/**
 * Files from `<input webkitdirectory>`: their `webkitRelativePath` starts with the chosen
 * folder's own name, which is dropped so paths read `train/3/a.png` wherever the folder lives.
 */
export function fromFolderInput(list: FileList | readonly File[]): SourceFile[] {
  return Array.from(list).map((f) => {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    return fromFile(f, rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel);
  });
}

/**
 * Expands a zip into SourceFiles; a single top folder inside the zip is dropped like a chosen
 * folder's name. An entry whose name escapes the zip (`../evil.png`, `/abs.png`) takes no part
 * in that and keeps a path that still shows it escapes, so the data block leaves it out and
 * names it (see `escapesRoot`) rather than taking it for a file of the set.
 */
export async function fromZip(file: File): Promise<SourceFile[]> {
  return filesFromEntries(unzipSync(new Uint8Array(await file.arrayBuffer())));
}

/** Loose files from `file-input`: zips expand, anything else (CSV, codes.txt, images) keeps its name. */
export async function fromLooseFiles(list: FileList | readonly File[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const f of Array.from(list)) {
    if (extensionOf(f.name) === '.zip') out.push(...(await fromZip(f)));
    else out.push(fromFile(f, f.name));
  }
  return out;
}

/**
 * Files from a drag and drop: folders are walked through the entries API, so a dragged
 * folder gives the same paths as the folder chooser.
 */
export async function fromDrop(items: DataTransferItemList): Promise<SourceFile[]> {
  // Read every entry first: the list is emptied once the drop handler yields.
  const dropped = Array.from(items)
    .filter((i) => i.kind === 'file')
    .map((i) => ({ entry: i.webkitGetAsEntry(), file: i.getAsFile() }));
  const out: SourceFile[] = [];
  for (const { entry, file } of dropped) {
    if (entry?.isDirectory) await walkEntry(entry as FileSystemDirectoryEntry, '', out);
    else if (file) out.push(...(await fromLooseFiles([file])));
  }
  return out;
}

async function walkEntry(dir: FileSystemDirectoryEntry, prefix: string, out: SourceFile[]): Promise<void> {
  const reader = dir.createReader();
  // readEntries returns at most ~100 entries a call; keep calling until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory) await walkEntry(entry as FileSystemDirectoryEntry, path, out);
      else out.push(fromFile(await entryFile(entry as FileSystemFileEntry), path));
    }
  }
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Merges a new batch of files into the ones already chosen; a later file with the same path wins. */
export function mergeFiles(current: readonly SourceFile[], added: readonly SourceFile[]): SourceFile[] {
  const byPath = new Map(current.map((f) => [f.path, f]));
  for (const f of added) byPath.set(f.path, f);
  return [...byPath.values()];
}
