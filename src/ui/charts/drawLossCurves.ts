import type { History } from '../../state/trainState';
import { linear, lossAxisTop, niceTicks, tickLabel } from './scale';

/** Colours of the loss chart, the same as the Plotly one's so the switch after a fit is seamless. */
export const LOSS_COLOURS = { raw: '#56B4E9', smooth: '#0072B2', valid: '#D55E00', lr: '#999999' } as const;

/** Ink and grid colours of the page's scheme. */
export interface ChartInk {
  readonly ink: string;
  readonly grid: string;
}

const MARGIN = { l: 64, r: 72, t: 34, b: 44 };

/**
 * Draws the live loss chart: raw and smoothed training loss, validation loss with markers, and
 * the learning rate on a right-hand axis, with the axes, ticks and a legend. Plain 2D canvas
 * calls, a few milliseconds for thousands of points, so a redraw every second during a fit
 * never blocks the page the way a full Plotly redraw did (100-260 ms on a software renderer).
 */
export function drawLossCurves(ctx: CanvasRenderingContext2D, width: number, height: number, h: History, ink: ChartInk): void {
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, DejaVu Sans, sans-serif';
  const [x0, x1, yTop, yBottom] = [MARGIN.l, width - MARGIN.r, MARGIN.t, height - MARGIN.b];
  const maxIter = Math.max(1, ...h.iters.slice(-1), ...h.validIters.slice(-1));
  const xAxis = niceTicks(0, maxIter, 6);
  // The raw batch loss spikes; the axis follows the smoothed and validation curves (and the raw
  // loss of the first batches, which is where a run starts) so the trend stays readable.
  const { top } = lossAxisTop(h.smooth, h.validLosses, h.losses.slice(0, 3));
  const yAxis = niceTicks(0, top, 5);
  const lrAxis = niceTicks(0, Math.max(...h.lrs.filter(Number.isFinite), 1e-6), 4);
  const sx = linear(xAxis.lo, xAxis.hi, x0, x1);
  const sy = linear(yAxis.lo, yAxis.hi, yBottom, yTop);
  const sl = linear(lrAxis.lo, lrAxis.hi, yBottom, yTop);
  drawGrid(
    ctx,
    { x0, x1, yTop, yBottom },
    xAxis.ticks.map((t) => [sx(t), tickLabel(t)]),
    yAxis.ticks.map((t) => [sy(t), tickLabel(t)]),
    lrAxis.ticks.map((t) => [sl(t), tickLabel(t, true)]),
    ink,
  );
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, yTop, x1 - x0, yBottom - yTop);
  ctx.clip();
  line(ctx, h.iters, h.lrs, sx, sl, { colour: LOSS_COLOURS.lr, width: 1.5, dash: [3, 3] });
  line(ctx, h.iters, h.losses, sx, sy, { colour: LOSS_COLOURS.raw, width: 1, alpha: 0.6 });
  line(ctx, h.iters, h.smooth, sx, sy, { colour: LOSS_COLOURS.smooth, width: 2.5 });
  line(ctx, h.validIters, h.validLosses, sx, sy, { colour: LOSS_COLOURS.valid, width: 2, markers: 4 });
  ctx.restore();
  drawTitles(ctx, { x0, x1, yTop, yBottom, height, width }, ink);
  drawLegend(ctx, x0, 14, ink);
}

interface Box {
  readonly x0: number;
  readonly x1: number;
  readonly yTop: number;
  readonly yBottom: number;
}

function drawGrid(ctx: CanvasRenderingContext2D, b: Box, xs: [number, string][], ys: [number, string][], lrs: [number, string][], ink: ChartInk): void {
  ctx.strokeStyle = ink.grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = ink.ink;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [x, label] of xs) {
    ctx.beginPath();
    ctx.moveTo(x, b.yTop);
    ctx.lineTo(x, b.yBottom);
    ctx.stroke();
    ctx.fillText(label, x, b.yBottom + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [y, label] of ys) {
    ctx.beginPath();
    ctx.moveTo(b.x0, y);
    ctx.lineTo(b.x1, y);
    ctx.stroke();
    ctx.fillText(label, b.x0 - 6, y);
  }
  ctx.textAlign = 'left';
  for (const [y, label] of lrs) ctx.fillText(label, b.x1 + 6, y);
}

function drawTitles(ctx: CanvasRenderingContext2D, b: Box & { height: number; width: number }, ink: ChartInk): void {
  ctx.fillStyle = ink.ink;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('batches seen', (b.x0 + b.x1) / 2, b.height - 4);
  const vertical = (text: string, x: number, angle: number) => {
    ctx.save();
    ctx.translate(x, (b.yTop + b.yBottom) / 2);
    ctx.rotate(angle);
    ctx.textBaseline = 'middle';
    ctx.fillText(text, 0, 0);
    ctx.restore();
  };
  vertical('loss', 14, -Math.PI / 2);
  vertical('learning rate', b.width - 12, Math.PI / 2);
}

function drawLegend(ctx: CanvasRenderingContext2D, x: number, y: number, ink: ChartInk): void {
  const items: [string, string, number[]][] = [
    ['train (batch)', LOSS_COLOURS.raw, []],
    ['train (smoothed)', LOSS_COLOURS.smooth, []],
    ['valid', LOSS_COLOURS.valid, []],
    ['learning rate', LOSS_COLOURS.lr, [3, 3]],
  ];
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const [label, colour, dash] of items) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2.5;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 22, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = ink.ink;
    ctx.fillText(label, x + 28, y);
    x += 28 + ctx.measureText(label).width + 18;
  }
}

function line(
  ctx: CanvasRenderingContext2D,
  xs: readonly number[],
  ys: readonly number[],
  sx: (v: number) => number,
  sy: (v: number) => number,
  style: { colour: string; width: number; alpha?: number; dash?: number[]; markers?: number },
): void {
  ctx.strokeStyle = style.colour;
  ctx.fillStyle = style.colour;
  ctx.lineWidth = style.width;
  ctx.globalAlpha = style.alpha ?? 1;
  ctx.setLineDash(style.dash ?? []);
  ctx.beginPath();
  let started = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i])) continue;
    const [px, py] = [sx(xs[i]), sy(ys[i])];
    if (started) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    started = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (style.markers) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(ys[i])) continue;
      ctx.beginPath();
      ctx.arc(sx(xs[i]), sy(ys[i]), style.markers, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}
