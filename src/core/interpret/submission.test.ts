import { describe, expect, it } from 'vitest';
import { idOf, submissionCsv } from './submission';

describe('submissionCsv (Kaggle)', () => {
  it('multi-label: image_name,tags with the tags at or over the threshold and the suffix removed, in natural order', () => {
    const csv = submissionCsv(
      [
        { path: 'test/test_10.jpg', values: [0.1, 0.05, 0.2] },
        { path: 'test/test_2.jpg', values: [0.95, 0.3, 0.1] },
      ],
      { task: 'multi', classes: ['clear', 'haze', 'road'], thresh: 0.2, suffix: '.jpg' },
    );
    expect(csv).toBe('image_name,tags\ntest_2,clear haze\ntest_10,road\n');
  });

  it('single-label: id,label with the most probable class; names with a comma are quoted', () => {
    const csv = submissionCsv(
      [
        { path: 'test/b.png', values: [0.2, 0.8] },
        { path: 'test/a,1.png', values: [0.7, 0.3] },
      ],
      { task: 'single', classes: ['3', '7'], thresh: 0.5 },
    );
    expect(csv).toBe('id,label\n"a,1",3\nb,7\n');
  });

  it('has no submission for masks and points, and ids drop the folder and the extension', () => {
    expect(submissionCsv([], { task: 'segmentation', classes: [], thresh: 0.5 })).toBeNull();
    expect(idOf('test/sub/file_1.tif')).toBe('file_1');
    expect(idOf('test/x.JPG', '.jpg')).toBe('x');
    expect(idOf('README')).toBe('README');
  });
});
