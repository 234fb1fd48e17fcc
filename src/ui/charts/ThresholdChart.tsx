import { useMemo } from 'react';
import type { SweepPoint } from '../../core/interpret/multiLabel';
import { Plot } from './Plot';

/** F-beta and accuracy_thresh against the threshold, the best marked; a click picks a threshold. */
export function ThresholdChart(props: { sweep: readonly SweepPoint[]; best: SweepPoint | null; chosen: number; beta: number; onPick: (t: number) => void }) {
  const { sweep, best } = props;
  const data = useMemo(() => {
    const x = sweep.map((p) => p.thresh);
    const traces: object[] = [
      { x, y: sweep.map((p) => p.fbeta), type: 'scatter', mode: 'lines+markers', name: `F${props.beta}`, line: { color: '#0072B2', width: 2.5 } },
      { x, y: sweep.map((p) => p.accuracyThresh), type: 'scatter', mode: 'lines+markers', name: 'accuracy_thresh', line: { color: '#009E73', width: 2, dash: 'dash' } },
    ];
    if (best) traces.push({ x: [best.thresh], y: [best.fbeta], type: 'scatter', mode: 'markers', name: `best ${best.thresh.toFixed(2)}`, marker: { size: 14, color: '#D55E00', symbol: 'star' } });
    return traces;
  }, [sweep, best, props.beta]);
  const layout = useMemo(
    () => ({
      xaxis: { title: { text: 'threshold' }, range: [0, 1] },
      yaxis: { title: { text: 'score' }, range: [0, 1.02] },
      shapes: [{ type: 'line', x0: props.chosen, x1: props.chosen, yref: 'paper', y0: 0, y1: 1, line: { color: '#888', dash: 'dot' } }],
      hovermode: 'x unified',
    }),
    [props.chosen],
  );
  return <Plot testId="threshold-chart" data={data} layout={layout} height={300} onClick={(e) => e.points[0] && props.onPick(e.points[0].x)} />;
}
