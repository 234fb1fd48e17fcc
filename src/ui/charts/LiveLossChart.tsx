import { useEffect, useRef } from 'react';
import type { History } from '../../state/trainState';
import { useColourScheme } from '../hooks/useColourScheme';
import { drawLossCurves } from './drawLossCurves';

const HEIGHT = 300;

/**
 * The loss chart while a fit runs: the same curves as `LossChart`, drawn on a canvas so the
 * page stays responsive (issue 6: no main-thread task over 50 ms during a fit). When the fit
 * ends the interactive Plotly chart takes its place, for hovering and zooming.
 */
export function LiveLossChart(props: { series: History }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const dark = useColourScheme() === 'dark';
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const frame = requestAnimationFrame(() => {
      const width = canvas.clientWidth || 600;
      const ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
      if (canvas.height !== Math.round(HEIGHT * ratio)) canvas.height = Math.round(HEIGHT * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawLossCurves(ctx, width, HEIGHT, props.series, dark ? { ink: '#e8e8ea', grid: '#3a3c42' } : { ink: '#1d1d1f', grid: '#e2e2de' });
    });
    return () => cancelAnimationFrame(frame);
  }, [props.series, dark]);
  return <canvas ref={ref} data-testid="loss-chart-live" className="plot" style={{ width: '100%', height: HEIGHT, display: 'block' }} />;
}
