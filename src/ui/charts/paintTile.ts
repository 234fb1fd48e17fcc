import type { PreviewTile } from '../../core/data/preview';
import type { Heatmap } from '../../core/interpret/gradCam';
import { codeColour, hexToRgb } from './palette';

/** How a tile's mask is coloured: which code is void and which is plain background. */
export interface MaskStyle {
  readonly voidIndex: number;
  readonly backgroundIndex: number;
  /** Draw a tile's Grad-CAM heatmap over it (fastai's `plot_top_losses(heatmap=True)`). */
  readonly heat?: boolean;
}

/**
 * Paints a tile onto a canvas at display size: the picture without smoothing (a 28-px digit
 * stays crisp), then a translucent mask overlay, then the point as a ringed cross.
 */
export function paintTile(canvas: HTMLCanvasElement, tile: PreviewTile, style: MaskStyle): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const native = new OffscreenCanvas(tile.width, tile.height);
  const nctx = native.getContext('2d')!;
  nctx.putImageData(new ImageData(new Uint8ClampedArray(tile.rgba), tile.width, tile.height), 0, 0);
  if (tile.mask) overlayMask(nctx, tile, style);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(native, 0, 0, canvas.width, canvas.height);
  const at = (p: readonly [number, number]) => [(p[0] / tile.width) * canvas.width, (p[1] / tile.height) * canvas.height] as const;
  if (style.heat && tile.heat) paintHeat(ctx, tile.heat, canvas.width, canvas.height);
  if (tile.truePoint) drawPoint(ctx, ...at(tile.truePoint), '#1b9e3e');
  if (tile.point) drawPoint(ctx, ...at(tile.point), '#e5213b');
}

function overlayMask(ctx: OffscreenCanvasRenderingContext2D, tile: PreviewTile, style: MaskStyle): void {
  const image = ctx.getImageData(0, 0, tile.width, tile.height);
  const alpha = 0.6;
  tile.mask!.forEach((code, p) => {
    const colour = codeColour(code, style.voidIndex, style.backgroundIndex);
    if (colour === 'transparent') return;
    const [r, g, b] = hexToRgb(colour);
    // out = (1 - a) * pixel + a * colour
    image.data[p * 4] = (1 - alpha) * image.data[p * 4] + alpha * r;
    image.data[p * 4 + 1] = (1 - alpha) * image.data[p * 4 + 1] + alpha * g;
    image.data[p * 4 + 2] = (1 - alpha) * image.data[p * 4 + 2] + alpha * b;
  });
  ctx.putImageData(image, 0, 0);
}

function drawPoint(ctx: CanvasRenderingContext2D, x: number, y: number, colour: string): void {
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'white';
  ctx.beginPath();
  ctx.arc(x, y, 7, 0, Math.PI * 2);
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = colour;
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x - 4, y);
  ctx.lineTo(x + 4, y);
  ctx.moveTo(x, y - 4);
  ctx.lineTo(x, y + 4);
  ctx.stroke();
}

/**
 * A Grad-CAM map over a picture, as fastai draws it: the coarse map scaled up smoothly, coloured
 * from transparent (no weight) through red to yellow (the most), at half opacity.
 */
export function paintHeat(ctx: CanvasRenderingContext2D, heat: Heatmap, width: number, height: number, x = 0, y = 0): void {
  const map = new OffscreenCanvas(heat.width, heat.height);
  const mctx = map.getContext('2d')!;
  const image = mctx.createImageData(heat.width, heat.height);
  heat.values.forEach((v, p) => {
    image.data[p * 4] = 255;
    image.data[p * 4 + 1] = Math.round(255 * Math.max(0, v - 0.5) * 2);
    image.data[p * 4 + 2] = 0;
    image.data[p * 4 + 3] = Math.round(200 * v);
  });
  mctx.putImageData(image, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.globalAlpha = 0.6;
  ctx.drawImage(map, x, y, width, height);
  ctx.restore();
}
