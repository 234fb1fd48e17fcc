import { useMemo } from 'react';
import type { SchedulePreview } from '../../state/schedulePreview';
import { Plot } from './Plot';

const GROUP_COLOURS = ['#56B4E9', '#0072B2', '#009E73', '#E69F00', '#CC79A7', '#D55E00'];

/** The next fit's learning rate (one line per layer group with a slice) and momentum, before it starts. */
export function SchedulePreviewChart(props: { preview: SchedulePreview }) {
  const p = props.preview;
  const data = useMemo(
    () => [
      ...p.groups.map((g, i) => ({
        x: p.epochs,
        y: g.lrs,
        type: 'scatter',
        mode: 'lines',
        name: `lr (${g.name})`,
        line: { color: GROUP_COLOURS[i % GROUP_COLOURS.length], width: 2 },
        hovertemplate: `${g.name}: lr %{y:.2e} at epoch %{x:.2f}<extra></extra>`,
      })),
      { x: p.epochs, y: p.mom, type: 'scatter', mode: 'lines', name: 'momentum', yaxis: 'y2', line: { color: '#999', width: 1.5, dash: 'dot' }, hovertemplate: 'momentum %{y:.3f} at epoch %{x:.2f}<extra></extra>' },
    ],
    [p],
  );
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: 'learning rate' }, tickformat: '.2~e', rangemode: 'tozero' },
      yaxis2: { title: { text: 'momentum' }, overlaying: 'y', side: 'right', showgrid: false, range: [Math.min(...p.mom) - 0.02, Math.max(...p.mom) + 0.02] },
      margin: { l: 64, r: 64, t: 24, b: 44 },
    }),
    [p],
  );
  return <Plot testId="schedule-preview" data={data} layout={layout} height={220} />;
}
