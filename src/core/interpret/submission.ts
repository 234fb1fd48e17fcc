import type { Task } from '../data/types';

/** One test picture's prediction: its path and the activated outputs (probabilities). */
export interface TestPrediction {
  readonly path: string;
  readonly values: readonly number[];
}

/** How the submission names its pictures and reads multi-label outputs. */
export interface SubmissionOptions {
  readonly task: Task;
  readonly classes: readonly string[];
  /** Multi-label: a tag is in when its probability reaches this (the learner's threshold). */
  readonly thresh: number;
  /**
   * Removed from the end of each file name, as the training CSV left it off (Planet's `.jpg`);
   * absent, the extension is removed, as Kaggle's ids usually have none.
   */
  readonly suffix?: string;
}

/**
 * A Kaggle-style submission: `image_name,tags` for multi-label (the tags at or over the
 * threshold, space-separated, as Planet's sample submission), `id,label` for single-label.
 * Rows follow the file names in natural order. Other tasks have no such file (null).
 * @example submissionCsv([{ path: 'test/test_0.jpg', values: [0.9, 0.1, 0.3] }], { task: 'multi', classes: ['clear', 'haze', 'road'], thresh: 0.2, suffix: '.jpg' }) // 'image_name,tags\ntest_0,clear road\n'
 */
export function submissionCsv(predictions: readonly TestPrediction[], opts: SubmissionOptions): string | null {
  if (opts.task !== 'single' && opts.task !== 'multi') return null;
  const rows = [...predictions].sort((a, b) => idOf(a.path, opts.suffix).localeCompare(idOf(b.path, opts.suffix), 'en', { numeric: true }));
  const header = opts.task === 'multi' ? 'image_name,tags' : 'id,label';
  const lines = rows.map((p) => `${csvField(idOf(p.path, opts.suffix))},${csvField(opts.task === 'multi' ? tagsOf(p.values, opts) : labelOf(p.values, opts.classes))}`);
  return [header, ...lines].join('\n') + '\n';
}

/** The file name without its folder and its suffix (or extension). */
export function idOf(path: string, suffix?: string): string {
  const name = path.split('/').pop() ?? path;
  if (suffix && name.toLowerCase().endsWith(suffix.toLowerCase())) return name.slice(0, name.length - suffix.length);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function tagsOf(values: readonly number[], opts: SubmissionOptions): string {
  return opts.classes.filter((_, i) => values[i] >= opts.thresh).join(' ');
}

function labelOf(values: readonly number[], classes: readonly string[]): string {
  let best = 0;
  values.forEach((v, i) => (v > values[best] ? (best = i) : 0));
  return classes[best] ?? '';
}

/** Quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
