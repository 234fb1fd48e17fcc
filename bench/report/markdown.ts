import { backboneSection } from './backboneSection';
import { textLstmSection } from '../items/textLstm';
import { loopSection } from './loopSection';
import type { BenchResults, TargetCheck } from './results';
import { browserOnlySection, matrixSection, memorySection, nativeSection, pipelineSection } from './sections';

/** bench/RESULTS.md for one run: the machine, one table per item, then the targets. */
export function renderResults(r: BenchResults): string {
  const m = r.machine;
  const header = [
    '# Node benchmark (`npm run bench`)',
    '',
    `- Date: ${m.date}`,
    `- Machine: ${m.cpu} x ${m.cores} cores (os.cpus()), ${m.os}; Node ${m.node}; tfjs ${m.tfjs}${m.tfjsWasm ? ` (tfjs-backend-wasm ${m.tfjsWasm}${r.wasmThreads ? `, ${r.wasmThreads} thread${r.wasmThreads > 1 ? 's' : ''}` : ''})` : ''}`,
    `- Load average (1/5/15 min): ${m.loadAverage.join(' / ')} at the start, ${r.loadAverageEnd.join(' / ')} at the end, on ${m.cores} cores shared with other jobs: timings are noisy. Every figure is a median, and compared loops run interleaved in one process.`,
    `- Whole run: ${Math.round(r.seconds)} s. Backends are set as the studio sets them (\`trySetBackend\`): cpu with the studio's fast CPU kernels, wasm with its training kernels (stock tfjs-backend-wasm cannot train convolutions).`,
    '- stdout of `npm run -s bench` (`-s` drops the npm banner) is this page as JSON; each item also runs alone: `npx tsx bench/items/<loop|backendMatrix|backbone|pipeline|memory|native|textLstm>.ts`.',
  ].join('\n');
  const targets = ['## Targets', '', ...r.targets.map(targetLine)].join('\n');
  return (
    [
      header,
      loopSection(r.loop),
      matrixSection(r.matrix),
      backboneSection(r.backbone),
      browserOnlySection('3'),
      pipelineSection(r.pipeline),
      browserOnlySection('5'),
      memorySection(r.memory),
      nativeSection(r.native),
      textLstmSection(r.text),
      targets,
    ].join('\n\n') + '\n'
  );
}

/** One line of the Targets section. */
export function targetLine(t: TargetCheck): string {
  return `- ${t.item}. ${t.target}: **${t.met === null ? (t.unjudged ?? 'not measured') : t.met ? 'met' : 'not met'}**: ${t.figure}`;
}
