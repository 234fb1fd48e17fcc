import { memo, useEffect, useMemo, useState } from 'react';
import type { DataBlock } from '../../core/data/block';
import { formatSize } from '../../core/data/sizeSpec';
import type { DataBlockSpec } from '../../core/data/types';
import { previewBatch, type PreviewTile } from '../../state/batchPreview';
import type { DataCommands } from '../../state/dataActions';
import type { MaskStyle } from '../charts/paintTile';
import { Cell } from '../components/Cell';
import { MaskLegend } from '../components/MaskLegend';
import { TileView } from '../components/TileView';

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
    <Cell index={4} title="show_batch" note={`${tiles.length} augmented training images at ${formatSize(spec.transforms.size)}px`}>
      {error && <p className="error" data-testid="error">{error}</p>}
      <div className="batch-grid" data-testid="show-batch">
        {tiles.map((tile, i) => (
          <TileView key={`${draw}-${i}`} tile={tile} style={style} testId="show-batch-item" />
        ))}
      </div>
      {block.task === 'segmentation' && <MaskLegend classes={block.classes} style={style} />}
      <button className="secondary" data-testid="show-batch-again" onClick={() => props.commands.redrawBatch()}>
        Show another batch
      </button>
    </Cell>
  );
});
