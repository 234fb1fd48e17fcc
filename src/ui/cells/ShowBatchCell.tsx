import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { DataBlock } from '../../core/data/block';
import type { DataBlockSpec } from '../../core/data/types';
import { previewBatch, type PreviewTile } from '../../state/batchPreview';
import type { DataCommands } from '../../state/dataActions';
import { paintTile, type MaskStyle } from '../charts/paintTile';
import { codeColour } from '../charts/palette';
import { Cell } from '../components/Cell';

const TILE_PX = 112;

/** fastai's `show_batch`: augmented training pictures at the chosen size, each with its label. */
export const ShowBatchCell = memo(function ShowBatchCell(props: { block: DataBlock; spec: DataBlockSpec; draw: number; commands: DataCommands }) {
  const { block, spec, draw } = props;
  const [tiles, setTiles] = useState<PreviewTile[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    previewBatch(block, spec, draw).then(
      (t) => live && (setTiles(t), setError('')),
      (e: Error) => live && setError(`show_batch failed: ${e.message}`),
    );
    return () => {
      live = false;
    };
  }, [block, spec, draw]);
  // A stable style object, so re-renders of the page do not repaint every tile.
  const style: MaskStyle = useMemo(() => ({ voidIndex: block.voidIndex, backgroundIndex: block.classes.indexOf('Background') }), [block]);
  return (
    <Cell index={4} title="show_batch" note={`${tiles.length} augmented training images at ${spec.transforms.size}px`}>
      {error && <p className="error" data-testid="error">{error}</p>}
      <div className="batch-grid" data-testid="show-batch">
        {tiles.map((tile, i) => (
          <Tile key={`${draw}-${i}`} tile={tile} style={style} />
        ))}
      </div>
      {block.task === 'segmentation' && <MaskLegend classes={block.classes} style={style} />}
      <button className="secondary" data-testid="show-batch-again" onClick={() => props.commands.redrawBatch()}>
        Show another batch
      </button>
    </Cell>
  );
});

function Tile(props: { tile: PreviewTile; style: MaskStyle }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paintTile(ref.current, props.tile, props.style);
  }, [props.tile, props.style]);
  return (
    <figure className="tile" data-testid="show-batch-item" data-caption={props.tile.caption}>
      <canvas ref={ref} width={TILE_PX} height={TILE_PX} />
      <figcaption title={props.tile.caption}>{props.tile.caption}</figcaption>
    </figure>
  );
}

function MaskLegend(props: { classes: readonly string[]; style: MaskStyle }) {
  return (
    <ul className="legend" data-testid="mask-legend">
      {props.classes.map((name, i) => {
        const colour = codeColour(i, props.style.voidIndex, props.style.backgroundIndex);
        return (
          <li key={name}>
            <span className="swatch" style={{ background: colour === 'transparent' ? 'none' : colour, border: colour === 'transparent' ? '1px dashed #888' : undefined }} />
            {name}
            {colour === 'transparent' ? ' (not tinted)' : ''}
          </li>
        );
      })}
    </ul>
  );
}
