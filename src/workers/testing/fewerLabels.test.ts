import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../io/node/nodeFiles';
import { fewerLabels } from './textRoutes';

describe('fewerLabels', () => {
  const files = [
    ...Array.from({ length: 6 }, (_, i) => memoryFile(`train/ham/h${i}.txt`, 'ham')),
    ...Array.from({ length: 3 }, (_, i) => memoryFile(`train/spam/s${i}.txt`, 'spam')),
    memoryFile('valid/ham/v.txt', 'ham'),
    memoryFile('unsup/u.txt', 'text'),
  ];

  it('keeps that many labelled texts per class, spread through the folder, and makes the others unlabelled', () => {
    const paths = fewerLabels(files, 2).map((f) => f.path);
    expect(paths.filter((p) => p.startsWith('train/'))).toEqual(['train/ham/h0.txt', 'train/ham/h3.txt', 'train/spam/s0.txt', 'train/spam/s1.txt']);
    expect(paths.filter((p) => p.startsWith('unsup/')).sort()).toEqual(
      ['unsup/train_ham_h1.txt', 'unsup/train_ham_h2.txt', 'unsup/train_ham_h4.txt', 'unsup/train_ham_h5.txt', 'unsup/train_spam_s2.txt', 'unsup/u.txt'].sort(),
    );
    expect(paths).toContain('valid/ham/v.txt');
    expect(paths).toHaveLength(files.length);
  });

  it('keeps a class whole when it has fewer texts than asked', () => {
    expect(fewerLabels(files, 5).filter((f) => f.path.startsWith('train/spam/'))).toHaveLength(3);
  });
});
