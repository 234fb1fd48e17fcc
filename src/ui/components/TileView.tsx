import { useEffect, useRef } from 'react';
import type { PreviewTile } from '../../core/data/preview';
import { paintTile, type MaskStyle } from '../charts/paintTile';

const TILE_PX = 112;

/** Display sides of a tile: its longer side at TILE_PX, keeping the picture's shape (120×160 shows as 84×112). */
function canvasSides(tile: PreviewTile): { width: number; height: number } {
  const scale = TILE_PX / Math.max(tile.width, tile.height);
  return { width: Math.round(tile.width * scale), height: Math.round(tile.height * scale) };
}

/** A picture tile (show_batch, show_results, top losses, predictions) with its caption under it. */
export function TileView(props: { tile: PreviewTile; style: MaskStyle; testId: string; caption?: string; className?: string; data?: Record<string, string> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paintTile(ref.current, props.tile, props.style);
  }, [props.tile, props.style]);
  const caption = props.caption ?? props.tile.caption;
  const data = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <figure className={`tile ${props.className ?? ''}`} data-testid={props.testId} data-caption={caption} {...data}>
      <canvas ref={ref} {...canvasSides(props.tile)} />
      {caption && <figcaption title={caption}>{caption}</figcaption>}
    </figure>
  );
}
