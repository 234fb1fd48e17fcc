import { memo, useMemo } from 'react';
import type { BatchTiles, BlockView } from '../../core/data/blockView';
import { formatSize } from '../../core/data/sizeSpec';
import type { DataBlockSpec } from '../../core/data/types';
import type { DataCommands } from '../../state/dataActions';
import type { MaskStyle } from '../charts/paintTile';
import { Cell } from '../components/Cell';
import { MaskLegend } from '../components/MaskLegend';
import { TileView } from '../components/TileView';

/**
 * fastai's `show_batch`: augmented training pictures at the chosen size, each with its label.
 * The training worker draws them from the block it keeps; the page only paints plain arrays.
 */
export const ShowBatchCell = memo(function ShowBatchCell(props: { block: BlockView; spec: DataBlockSpec; batch: BatchTiles | null; commands: DataCommands }) {
  const { block, spec, batch } = props;
  const tiles = batch?.tiles ?? [];
  // A stable style object, so re-renders of the page do not repaint every tile.
  const style: MaskStyle = useMemo(() => ({ voidIndex: block.voidIndex, backgroundIndex: block.classes.indexOf('Background') }), [block]);
  return (
    <Cell index={4} title="show_batch" note={`${tiles.length} augmented training images at ${formatSize(spec.transforms.size)}px`}>
      {batch?.error && (
        <p className="error" data-testid="error">
          {batch.error}
        </p>
      )}
      <div className="batch-grid" data-testid="show-batch">
        {tiles.map((tile, i) => (
          <TileView key={`${batch?.draw}-${i}`} tile={tile} style={style} testId="show-batch-item" />
        ))}
      </div>
      {block.task === 'segmentation' && <MaskLegend classes={block.classes} style={style} />}
      <button className="secondary" data-testid="show-batch-again" onClick={() => props.commands.redrawBatch()}>
        Show another batch
      </button>
    </Cell>
  );
});
