import { useMemo } from 'react';
import type { History } from '../../state/trainState';
import { Plot } from './Plot';
import { lossAxisTop } from './scale';

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
  const layout = useMemo(() => {
    // A diverged fit's losses (1e3, 1e8) would flatten every other curve: they run off the top.
    const { top, offChart } = lossAxisTop(s.smooth, s.validLosses, s.losses.slice(0, 3));
    return {
      xaxis: { title: { text: 'batches seen' } },
      yaxis: offChart === null ? { title: { text: 'loss' }, rangemode: 'tozero' } : { title: { text: 'loss' }, range: [0, top * 1.05] },
      yaxis2: { title: { text: 'learning rate' }, overlaying: 'y', side: 'right', showgrid: false, tickformat: '.2~e', nticks: 5, rangemode: 'nonnegative' },
      annotations:
        offChart === null
          ? []
          : [{ text: `losses up to ${offChart.toExponential(1)} run off the top`, xref: 'paper', yref: 'paper', x: 1, y: 1, xanchor: 'right', yanchor: 'bottom', showarrow: false, font: { size: 11, color: '#a33' } }],
      margin: { l: 64, r: 72, t: 28, b: 52 },
    };
  }, [s]);
  return <Plot testId="loss-chart" data={data} layout={layout} height={300} />;
}
