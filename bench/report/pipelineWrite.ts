import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineResult } from '../items/pipeline';
import { targetLine } from './markdown';
import { pipelineSection } from './sections';
import { pipelineTarget } from './targets';

const OUT = join(process.cwd(), 'bench/RESULTS.md');

/**
 * Puts one run of item 4 into bench/RESULTS.md: its section (up to section 5) and its line in
 * the targets, so the item can be rerun alone without the whole benchmark (`--write`).
 */
export function writePipelineSection(r: PipelineResult): void {
  const text = readFileSync(OUT, 'utf8');
  const start = text.indexOf('## 4. ');
  const end = text.indexOf('## 5. ');
  if (start < 0 || end < start) throw new Error(`${OUT} has no section 4 followed by section 5`);
  const lines = `${text.slice(0, start)}${pipelineSection(r)}\n\n${text.slice(end)}`.split('\n');
  const target = lines.findIndex((l) => l.startsWith('- 4. '));
  if (target >= 0) lines[target] = targetLine(pipelineTarget(r));
  writeFileSync(OUT, lines.join('\n'));
}
