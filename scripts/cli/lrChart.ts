import { PNG } from 'pngjs';
import type { LrSuggestions } from '../../src/core/train/lrFinder';

/** The suggestions as the chart marks them: a letter for the text chart, a colour for the PNG. */
const MARKS: readonly { readonly key: keyof LrSuggestions; readonly letter: string; readonly name: string; readonly rgb: readonly [number, number, number] }[] = [
  { key: 'valley', letter: 'V', name: 'valley', rgb: [214, 39, 40] },
  { key: 'slide', letter: 'S', name: 'slide', rgb: [44, 160, 44] },
  { key: 'steep', letter: 'T', name: 'steep', rgb: [255, 127, 14] },
  { key: 'minimum', letter: 'M', name: 'minimum/10', rgb: [148, 103, 189] },
];

/** The finite points of the finder's curve, and the ranges of both axes (x in log10 of the rate). */
interface Curve {
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

function curveOf(lrs: readonly number[], losses: readonly number[]): Curve {
  const points = lrs.map((lr, i) => ({ x: Math.log10(lr), y: losses[i] })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length < 2) throw new Error('the LR finder recorded fewer than 2 finite losses');
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  // A flat curve still gets a loss axis of some height.
  const pad = y1 > y0 ? 0 : Math.max(Math.abs(y0) * 0.05, 1e-3);
  return { points, x0: Math.min(...xs), x1: Math.max(...xs), y0: y0 - pad, y1: y1 + pad };
}

/** The loss of the curve at log10 rate `x`, linear between recorded points. */
function lossAt(curve: Curve, x: number): number {
  const p = curve.points;
  if (x <= p[0].x) return p[0].y;
  for (let i = 1; i < p.length; i++) {
    if (x <= p[i].x) {
      const t = (x - p[i - 1].x) / (p[i].x - p[i - 1].x || 1);
      return p[i - 1].y + t * (p[i].y - p[i - 1].y);
    }
  }
  return p[p.length - 1].y;
}

/** A rate as the x axis labels it: `1e-3`. */
function decadeLabel(d: number): string {
  return `1e${d}`;
}

/**
 * The finder's curve as text, `width` x `height` characters of plot: loss (smoothed) up, the rate
 * on a log axis labelled at each decade along the bottom, each suggestion marked on the curve by
 * a letter (V valley, S slide, T steep, M minimum/10) and named in a legend line below.
 * @example textChart(found.lrs, found.losses, found.suggestions).join('\n')
 */
export function textChart(lrs: readonly number[], losses: readonly number[], suggestions: LrSuggestions | null, width = 60, height = 15): string[] {
  const curve = curveOf(lrs, losses);
  const col = (x: number) => Math.round(((x - curve.x0) / (curve.x1 - curve.x0 || 1)) * (width - 1));
  const row = (y: number) => Math.round(((curve.y1 - y) / (curve.y1 - curve.y0)) * (height - 1));
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  let before = -1;
  for (let c = 0; c < width; c++) {
    const r = row(lossAt(curve, curve.x0 + (c / (width - 1)) * (curve.x1 - curve.x0)));
    // A jump of more than one row is joined in this column, so the curve reads as one line.
    const [from, to] = before < 0 ? [r, r] : r > before ? [before + 1, r] : [r, Math.max(r, before - 1)];
    for (let k = from; k <= to; k++) grid[k][c] = '*';
    before = r;
  }
  for (const m of MARKS) {
    const lr = suggestions?.[m.key];
    if (lr === undefined || !(lr > 0)) continue;
    const x = Math.min(Math.max(Math.log10(lr), curve.x0), curve.x1);
    const r = row(lossAt(curve, x));
    // Two suggestions at one spot: the later goes just above (or below) the earlier, so each shows.
    const free = [r, r - 1, r + 1, r - 2, r + 2].find((k) => k >= 0 && k < height && !/[A-Z]/.test(grid[k][col(x)])) ?? r;
    grid[free][col(x)] = m.letter;
  }
  const labelWidth = 9;
  const yLabel = (r: number) => {
    if (r !== 0 && r !== height - 1 && r !== Math.floor(height / 2)) return ''.padStart(labelWidth);
    return formatLoss(curve.y1 - (r / (height - 1)) * (curve.y1 - curve.y0)).padStart(labelWidth);
  };
  const lines = grid.map((cells, r) => `${yLabel(r)} |${cells.join('')}`.trimEnd());
  const ticks = new Array<string>(width).fill('-');
  const labels = new Array<string>(width + 6).fill(' ');
  for (let d = Math.ceil(curve.x0); d <= Math.floor(curve.x1); d++) {
    const c = col(d);
    ticks[c] = '+';
    const text = decadeLabel(d);
    // A label that would run into the one before it is left out; its tick stays.
    const start = Math.max(0, c - 1);
    if (labels.slice(Math.max(0, start - 1), start + text.length + 1).every((ch) => ch === ' ')) {
      for (let i = 0; i < text.length; i++) labels[start + i] = text[i];
    }
  }
  lines.push(`${''.padStart(labelWidth)} +${ticks.join('')}`);
  lines.push(`${''.padStart(labelWidth)}  ${labels.join('')}`.trimEnd());
  lines.push(`${'loss'.padStart(labelWidth)}   learning rate (log scale)`);
  if (suggestions) lines.push(`${''.padStart(labelWidth)}  ${MARKS.map((m) => `${m.letter} ${m.name} ${suggestions[m.key].toExponential(2)}`).join('  ')}`);
  return lines;
}

function formatLoss(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}

/**
 * The finder's curve as a PNG (`width` x `height`, white): axes with a tick at each decade of the
 * rate and at the loss range's ends, the curve in blue, each suggestion a coloured vertical line
 * (valley red, slide green, steep orange, minimum/10 purple).
 * @example writeFileSync('lr-find.png', pngChart(found.lrs, found.losses, found.suggestions))
 */
export function pngChart(lrs: readonly number[], losses: readonly number[], suggestions: LrSuggestions | null, width = 480, height = 320): Buffer {
  const curve = curveOf(lrs, losses);
  const png = new PNG({ width, height });
  png.data.fill(255);
  const put = (x: number, y: number, rgb: readonly [number, number, number]) => {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const i = (py * width + px) * 4;
    png.data[i] = rgb[0];
    png.data[i + 1] = rgb[1];
    png.data[i + 2] = rgb[2];
    png.data[i + 3] = 255;
  };
  const line = (xa: number, ya: number, xb: number, yb: number, rgb: readonly [number, number, number], thick = 1) => {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(xb - xa), Math.abs(yb - ya))));
    for (let s = 0; s <= steps; s++) {
      const x = xa + ((xb - xa) * s) / steps;
      const y = ya + ((yb - ya) * s) / steps;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) put(x + dx, y + dy, rgb);
    }
  };
  const [left, right, top, bottom] = [40, width - 15, 15, height - 30];
  const px = (x: number) => left + ((x - curve.x0) / (curve.x1 - curve.x0 || 1)) * (right - left);
  const py = (y: number) => bottom - ((y - curve.y0) / (curve.y1 - curve.y0)) * (bottom - top);
  const black = [0, 0, 0] as const;
  const grey = [220, 220, 220] as const;
  for (let d = Math.ceil(curve.x0); d <= Math.floor(curve.x1); d++) {
    line(px(d), top, px(d), bottom, grey);
    line(px(d), bottom, px(d), bottom + 6, black);
  }
  line(left, bottom, right, bottom, black);
  line(left, top, left, bottom, black);
  line(left - 6, top, left, top, black);
  line(left - 6, bottom, left, bottom, black);
  for (const m of MARKS) {
    const lr = suggestions?.[m.key];
    if (lr === undefined || !(lr > 0)) continue;
    const x = px(Math.min(Math.max(Math.log10(lr), curve.x0), curve.x1));
    line(x, top, x, bottom, m.rgb);
  }
  const blue = [31, 119, 180] as const;
  const pts = curve.points;
  for (let i = 1; i < pts.length; i++) line(px(pts[i - 1].x), py(pts[i - 1].y), px(pts[i].x), py(pts[i].y), blue, 2);
  return PNG.sync.write(png);
}
