import { useMemo } from 'react';
import type { Bin } from '../../core/interpret/points';
import { Plot } from './Plot';

/** The distribution of point errors in pixels (regression's view of "where is it wrong"). */
export function ErrorHistogram(props: { bins: readonly Bin[]; mean: number }) {
  const data = useMemo(
    () => [
      {
        x: props.bins.map((b) => (b.x0 + b.x1) / 2),
        y: props.bins.map((b) => b.count),
        width: props.bins.map((b) => (b.x1 - b.x0) * 0.92),
        type: 'bar',
        name: 'images',
        marker: { color: '#0072B2' },
        hovertemplate: '%{y} images with error about %{x:.1f}px<extra></extra>',
      },
    ],
    [props.bins],
  );
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'distance from the true point (pixels)' }, rangemode: 'tozero' },
      yaxis: { title: { text: 'validation images' } },
      shapes: [{ type: 'line', x0: props.mean, x1: props.mean, yref: 'paper', y0: 0, y1: 1, line: { color: '#D55E00', dash: 'dash', width: 2 } }],
      annotations: [{ x: props.mean, yref: 'paper', y: 1, text: `mean ${props.mean.toFixed(1)}px`, showarrow: false, yanchor: 'bottom', font: { color: '#D55E00' } }],
      showlegend: false,
    }),
    [props.mean],
  );
  return <Plot testId="error-histogram" data={data} layout={layout} height={280} />;
}
