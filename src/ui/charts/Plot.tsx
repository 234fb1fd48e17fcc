import Plotly, { type PlotElement, type PlotEvent } from 'plotly.js-cartesian-dist-min';
import { useEffect, useRef } from 'react';
import { useColourScheme } from '../hooks/useColourScheme';

/** Plotly layout defaults that read well in light and dark pages. */
export function themedLayout(dark: boolean, layout: Record<string, unknown>): Record<string, unknown> {
  const ink = dark ? '#e8e8ea' : '#1d1d1f';
  const grid = dark ? '#3a3c42' : '#e2e2de';
  const axis = (a: unknown) => ({ gridcolor: grid, zerolinecolor: grid, linecolor: grid, color: ink, ...(a as object) });
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'system-ui, DejaVu Sans, sans-serif', size: 13, color: ink },
    margin: { l: 64, r: 24, t: 28, b: 52 },
    legend: { orientation: 'h', y: 1.12, x: 0 },
    ...layout,
    xaxis: axis(layout.xaxis),
    yaxis: axis(layout.yaxis),
    ...(layout.yaxis2 ? { yaxis2: axis(layout.yaxis2) } : {}),
  };
}

/**
 * A plotly chart that redraws with `Plotly.react` whenever its data changes (cheap: plotly
 * diffs), and forwards clicks and range selections.
 */
export function Plot(props: {
  testId: string;
  data: object[];
  layout: Record<string, unknown>;
  height?: number;
  onClick?: (e: PlotEvent) => void;
  onSelect?: (e: PlotEvent) => void;
  /** A click anywhere in the plot area, as the x value under the cursor (not only on a point). */
  onClickX?: (x: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onClickX = useRef(props.onClickX);
  const drawn = useRef<Promise<unknown>>(Promise.resolve());
  onClickX.current = props.onClickX;
  const handlers = useRef({ onClick: props.onClick, onSelect: props.onSelect });
  handlers.current = { onClick: props.onClick, onSelect: props.onSelect };
  const dark = useColourScheme() === 'dark';
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const layout = themedLayout(dark, { height: props.height ?? 320, ...props.layout });
    drawn.current = Plotly.react(el, props.data, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'autoScale2d'] }).then((plot: PlotElement) => {
      if (!plot._fullLayout) return;
      plot.removeAllListeners?.('plotly_click');
      plot.removeAllListeners?.('plotly_selected');
      plot.on('plotly_click', (e) => e && handlers.current.onClick?.(e));
      plot.on('plotly_selected', (e) => e && handlers.current.onSelect?.(e));
    });
  }, [props.data, props.layout, props.height, dark]);
  useEffect(() => {
    const el = ref.current as PlotElement | null;
    if (!el) return;
    // Plotly's own click fires only on a point inside the y range; a person clicks where the curve
    // is (or above it, where the LR finder's explosion is cut off), so the cursor's x decides.
    let down: { x: number; y: number } | null = null;
    const onDown = (e: MouseEvent) => void (down = { x: e.clientX, y: e.clientY });
    const onUp = (e: MouseEvent) => {
      const start = down;
      down = null;
      // A drag is a range selection, not a click.
      if (!start || Math.hypot(e.clientX - start.x, e.clientY - start.y) > 4 || !onClickX.current) return;
      const x = xUnderCursor(el, e.clientX, e.clientY);
      if (x !== null) onClickX.current(x);
    };
    el.addEventListener('mousedown', onDown, true);
    window.addEventListener('mouseup', onUp, true);
    return () => {
      el.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('mouseup', onUp, true);
      // Purged only once a draw in progress has finished: plotly reads the layout it would remove
      // ("Cannot read properties of undefined (reading '_rehover')" when a chart unmounts mid-draw,
      // as the schedule preview does when a fit starts).
      void drawn.current.then(
        () => Plotly.purge(el),
        () => Plotly.purge(el),
      );
    };
  }, []);
  return <div ref={ref} data-testid={props.testId} className="plot" />;
}

/** The x value under a point of the screen, or null outside the plot area. */
function xUnderCursor(el: PlotElement, clientX: number, clientY: number): number | null {
  const axis = el._fullLayout?.xaxis;
  const area = el.querySelector('.nsewdrag')?.getBoundingClientRect();
  if (!axis || !area) return null;
  if (clientX < area.left || clientX > area.right || clientY < area.top || clientY > area.bottom) return null;
  const linear = axis.p2l(clientX - area.left);
  return axis.type === 'log' ? 10 ** linear : linear;
}
