import { useMemo } from 'react';
import { Plot } from './Plot';

/** Suggested learning rates from the finder, named as fastai names them. */
export interface LrSuggestions {
  readonly valley?: number;
  readonly slide?: number;
  readonly steep?: number;
  readonly minimum?: number;
  /** The studio's probed choice. */
  readonly auto?: number;
}

const MARKS: readonly { key: keyof LrSuggestions; label: string; colour: string; symbol: string }[] = [
  { key: 'valley', label: 'valley', colour: '#D55E00', symbol: 'circle' },
  { key: 'slide', label: 'slide', colour: '#E69F00', symbol: 'triangle-up' },
  { key: 'steep', label: 'steepest', colour: '#009E73', symbol: 'diamond' },
  { key: 'minimum', label: 'minimum/10', colour: '#CC79A7', symbol: 'square' },
  { key: 'auto', label: 'auto', colour: '#0072B2', symbol: 'star' },
];

/**
 * The LR finder's curve: smoothed loss against learning rate on a log axis, suggestions marked
 * and named. Clicking picks one rate; dragging across a range picks a slice `lo,hi`.
 * The y axis is clipped where the loss explodes so the useful part stays readable.
 */
export function LrFinderChart(props: {
  lrs: readonly number[];
  losses: readonly number[];
  suggestions: LrSuggestions;
  chosen?: readonly number[];
  onPick: (lr: number) => void;
  onPickRange: (lo: number, hi: number) => void;
}) {
  const { lrs, losses, suggestions } = props;
  const data = useMemo(() => {
    const curve = {
      x: lrs,
      y: losses,
      type: 'scatter',
      mode: 'lines+markers',
      name: 'smoothed loss',
      line: { color: '#0072B2', width: 2 },
      marker: { size: 4 },
      hovertemplate: 'lr %{x:.2e}<br>loss %{y:.4f}<extra></extra>',
    };
    const marks = MARKS.filter((m) => suggestions[m.key] !== undefined).map((m) => {
      const lr = suggestions[m.key]!;
      return {
        x: [lr],
        y: [lossAt(lrs, losses, lr)],
        type: 'scatter',
        mode: 'markers',
        name: `${m.label} ${lr.toExponential(1)}`,
        marker: { size: 13, color: m.colour, symbol: m.symbol, line: { width: 1.5, color: 'white' } },
        hovertemplate: `${m.label} %{x:.2e}<extra></extra>`,
      };
    });
    return [curve, ...marks];
  }, [lrs, losses, suggestions]);
  const layout = useMemo(() => {
    const shapes = (props.chosen ?? []).map((lr) => ({ type: 'line', x0: lr, x1: lr, yref: 'paper', y0: 0, y1: 1, line: { color: '#888', dash: 'dot', width: 1.5 } }));
    return {
      xaxis: { type: 'log', title: { text: 'learning rate (log scale)' }, exponentformat: 'power', dtick: 1 },
      yaxis: { title: { text: 'loss (smoothed)' }, range: clippedRange(losses) },
      dragmode: 'select',
      selectdirection: 'h',
      shapes,
      hovermode: 'closest',
    };
  }, [losses, props.chosen]);
  return (
    <Plot
      testId="lr-find-chart"
      data={data}
      layout={layout}
      onClickX={(lr) => props.onPick(lr)}
      onSelect={(e) => {
        const range = selectedRange(
          e.points.map((p) => p.x),
          e.range?.x,
        );
        if (range) props.onPickRange(range[0], range[1]);
      }}
    />
  );
}

/**
 * The rates a drag covered: the selected points when there are any, else the dragged range,
 * which plotly reports in log10 units on a log axis (a negative value cannot be a rate).
 */
export function selectedRange(xs: readonly number[], range?: readonly number[]): [number, number] | null {
  if (xs.length >= 2) return [Math.min(...xs), Math.max(...xs)];
  if (!range || range.length < 2) return null;
  const [a, b] = [Math.min(...range), Math.max(...range)];
  return a < 0 ? [10 ** a, 10 ** b] : [a, b];
}

/** Loss on the curve at the nearest recorded rate. */
function lossAt(lrs: readonly number[], losses: readonly number[], lr: number): number {
  let best = 0;
  lrs.forEach((x, i) => (Math.abs(Math.log(x / lr)) < Math.abs(Math.log(lrs[best] / lr)) ? (best = i) : 0));
  return losses[best];
}

/** From a little under the minimum to a little over the starting loss; the explosion is cut off. */
export function clippedRange(losses: readonly number[]): [number, number] | undefined {
  const finite = losses.filter(Number.isFinite);
  if (finite.length < 2) return undefined;
  const lo = Math.min(...finite);
  const start = Math.max(...finite.slice(0, Math.max(3, Math.floor(finite.length / 10))));
  const hi = Math.max(start, lo) * 1.15;
  const pad = (hi - lo) * 0.05 || 0.05;
  return [lo - pad, hi];
}
