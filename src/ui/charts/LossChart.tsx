import { useMemo } from 'react';
import type { History } from '../../state/trainState';
import { Plot } from './Plot';

/**
 * Live loss curves over batches (the whole history across fits, so a second fit continues the
 * same lines) and the learning-rate schedule on a second axis.
 */
export function LossChart(props: { series: History }) {
  const s = props.series;
  const data = useMemo(
    () => [
      { x: s.iters, y: s.losses, type: 'scatter', mode: 'lines', name: 'train (batch)', line: { color: '#56B4E9', width: 1 }, opacity: 0.6 },
      { x: s.iters, y: s.smooth, type: 'scatter', mode: 'lines', name: 'train (smoothed)', line: { color: '#0072B2', width: 2.5 } },
      { x: s.validIters, y: s.validLosses, type: 'scatter', mode: 'lines+markers', name: 'valid', line: { color: '#D55E00', width: 2 }, marker: { size: 8 } },
      { x: s.iters, y: s.lrs, type: 'scatter', mode: 'lines', name: 'learning rate', yaxis: 'y2', line: { color: '#999', width: 1.5, dash: 'dot' } },
    ],
    [s],
  );
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'batches seen' } },
      yaxis: { title: { text: 'loss' }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'learning rate' }, overlaying: 'y', side: 'right', showgrid: false, tickformat: '.0e', nticks: 5, rangemode: 'nonnegative' },
      margin: { l: 64, r: 72, t: 28, b: 52 },
    }),
    [],
  );
  return <Plot testId="loss-chart" data={data} layout={layout} height={300} />;
}
