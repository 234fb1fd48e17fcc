import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { escapesRoot } from '../core/data/paths';
import { fromFolderInput, fromLooseFiles, mergeFiles } from './browserFiles';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('browser file sources', () => {
  it('drops the chosen folder name from webkitRelativePath', async () => {
    const f = new File([bytes('x')], 'a.png');
    Object.defineProperty(f, 'webkitRelativePath', { value: 'mnist_tiny/train/3/a.png' });
    const [file] = fromFolderInput([f]);
    expect(file.path).toBe('train/3/a.png');
    expect(await file.read()).toEqual(bytes('x'));
  });

  it('expands a zip, dropping its single top folder, and skips macOS metadata', async () => {
    const zip = zipSync({ 'set/train/3/a.png': bytes('png'), 'set/labels.csv': bytes('name\n'), '__MACOSX/set/._a.png': bytes('junk') });
    const files = await fromLooseFiles([new File([zip], 'set.zip')]);
    expect(files.map((f) => f.path).sort()).toEqual(['labels.csv', 'train/3/a.png']);
    expect(files.find((f) => f.path === 'labels.csv')!.size).toBe(5);
  });

  it('keeps entries whose path escapes the zip out of the top-folder guess, and leaves them recognisable', async () => {
    const zip = zipSync({ 'set/train/3/a.png': bytes('png'), 'set/valid/7/b.png': bytes('png'), '../evil.png': bytes('x'), '/abs.png': bytes('x'), '..\\win.png': bytes('x') });
    const files = await fromLooseFiles([new File([zip], 'set.zip')]);
    const paths = files.map((f) => f.path).sort();
    // The good entries still lose their single top folder; the bad ones keep the path that shows they escape.
    expect(paths.filter((p) => !escapesRoot(p))).toEqual(['train/3/a.png', 'valid/7/b.png']);
    expect(paths.filter(escapesRoot)).toEqual(['../evil.png', '../win.png', '/abs.png']);
  });

  it('adds loose files to what is loaded; the newer file with a path wins', () => {
    const a = { path: 'labels.csv', size: 1, read: async () => bytes('a') };
    const b = { path: 'labels.csv', size: 2, read: async () => bytes('bb') };
    const c = { path: 'x.png', size: 1, read: async () => bytes('c') };
    expect(mergeFiles([a, c], [b]).map((f) => f.size)).toEqual([2, 1]);
  });
});
