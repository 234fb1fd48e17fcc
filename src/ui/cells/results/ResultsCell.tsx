import { memo, useMemo, useState } from 'react';
import type { ResultsSlice } from '../slices';
import { canSetThreshold, canShowResults } from '../../../state/canRun';
import type { ResultsCommands } from '../../../state/resultsActions';
import { resultsView, type ResultTile, type ResultsView } from '../../../state/resultsView';
import type { MaskStyle } from '../../charts/paintTile';
import { Cell } from '../../components/Cell';
import { MaskLegend } from '../../components/MaskLegend';
import { TileView } from '../../components/TileView';
import { ClassificationResults, MultiLabelResults, PointResults, SegmentationResults } from './TaskResults';
import { TestSetSection } from './TestSetSection';
import type { SourceFile } from '../../../core/data/types';
import { formatSize, sizeFromSides } from '../../../core/data/sizeSpec';

/**
 * fastai's interpretation, after training: `show_results` (predictions beside the truth, wrong
 * ones marked) and `plot_top_losses` for every task, then what each task needs to see where it
 * is wrong.
 */
export const ResultsCell = memo(function ResultsCell(props: { state: ResultsSlice; commands: ResultsCommands; testFiles: readonly SourceFile[] }) {
  const { state, commands } = props;
  const results = state.results;
  const view = useMemo(() => (results ? resultsView(results, state.learnerSpec.beta) : null), [results, state.learnerSpec.beta]);
  const [heat, setHeat] = useState(false);
  const style: MaskStyle = useMemo(() => ({ voidIndex: results?.voidIndex ?? -1, backgroundIndex: results?.classes.indexOf('Background') ?? -1, heat }), [results, heat]);
  const hasHeat = results?.thumbs.some((t) => t.heat) ?? false;
  const trained = state.rows.length > 0;
  const can = canShowResults(state);
  return (
    <Cell index={8} title="Results" note="show_results, top losses and the task's own view of the errors, on the validation set" testId="results">
      <div className="actions">
        <button data-testid="results-run" disabled={!can.ok} title={can.why} onClick={() => commands.showResults()}>
          {results ? 'Refresh results' : 'Show results'}
        </button>
        <span className="muted">
          {results ? `${results.count} validation images at ${formatSize(sizeFromSides(results))}px` : trained ? 'Interpret the model as it is now.' : 'Train first (or interpret the untrained model).'}
        </span>
        {hasHeat && (
          <label className="check" title="Grad-CAM: where the model looked for its predicted class (the body's last feature map, weighted by the gradient of that class)">
            <input type="checkbox" data-testid="results-heatmap" checked={heat} onChange={(e) => setHeat(e.target.checked)} />
            heatmaps (Grad-CAM)
          </label>
        )}
      </div>
      {view && results && (
        <>
          <ResultGrid title={`show_results: ${CAPTIONS[results.task]}`} tiles={view.shown} style={style} testId="show-results" itemTestId="show-results-item" />
          {results.task === 'segmentation' && <MaskLegend classes={results.classes} style={style} />}
          <TaskSection view={view} state={state} commands={commands} />
          <ResultGrid title={`top losses: ${CAPTIONS[results.task]}`} tiles={view.top} style={style} testId="top-losses" itemTestId="top-loss-item" />
        </>
      )}
      {(state.data?.task === 'single' || state.data?.task === 'multi') && <TestSetSection state={state} commands={commands} found={props.testFiles} />}
    </Cell>
  );
});

/** What each result caption says, by task (fastai's plot_top_losses titles for single-label). */
const CAPTIONS = {
  single: 'prediction / actual / loss / probability of the actual class',
  multi: 'predicted tags / actual tags / loss',
  segmentation: 'predicted and true masks, pixel accuracy without void / loss',
  points: 'predicted (red) and true (green) points, distance / loss',
} as const;

function TaskSection(props: { view: ResultsView; state: ResultsSlice; commands: ResultsCommands }) {
  const { view, state } = props;
  switch (view.task) {
    case 'single':
      return <ClassificationResults view={view} classes={state.results!.classes} />;
    case 'multi':
      return (
        <MultiLabelResults
          view={view}
          thresh={state.learnerSpec.thresh}
          beta={state.learnerSpec.beta}
          metrics={state.thresholdMetrics ?? state.results!.metrics}
          can={canSetThreshold(state)}
          onPick={(t) => props.commands.setThreshold(t)}
        />
      );
    case 'segmentation':
      return <SegmentationResults view={view} />;
    case 'points':
      return <PointResults view={view} />;
  }
}

function ResultGrid(props: { title: string; tiles: readonly ResultTile[]; style: MaskStyle; testId: string; itemTestId: string }) {
  const pairs = props.tiles.some((t) => t.truth);
  return (
    <div className="result-block">
      <h3>{props.title}</h3>
      <div className={`result-grid${pairs ? ' pairs' : ''}`} data-testid={props.testId}>
        {props.tiles.map((t) => (
          <div key={t.index} className={`result ${t.correct ? 'right' : 'wrong'}`} data-testid={props.itemTestId} data-correct={String(t.correct)} data-path={t.path} data-loss={t.loss.toFixed(4)}>
            <div className="result-tiles">
              <TileView tile={t.predicted} style={props.style} testId="result-prediction" caption={t.truth ? 'prediction' : ''} />
              {t.truth && <TileView tile={t.truth} style={props.style} testId="result-truth" caption="truth" />}
            </div>
            <p className="result-caption" title={t.path}>
              {t.caption}
            </p>
            {!t.correct && (
              <span className="wrong-mark" aria-label="wrong">
                ✗
              </span>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
