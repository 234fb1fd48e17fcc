import type { SourceFile } from '../../../core/data/types';
import type { ResultsSlice } from '../slices';
import { downloadBytes } from '../../../io/download';
import { fromFolderInput } from '../../../io/browserFiles';
import { canDownloadSubmission, canPredictTest } from '../../../state/canRun';
import type { ResultsCommands } from '../../../state/resultsActions';
import { testSubmission } from '../../../state/testSet';

/** Lines of the submission shown on the page before it is downloaded. */
const PREVIEW_LINES = 6;

/**
 * fastai's `add_test_folder` and a Kaggle submission: the test folder that came with the data
 * (or one chosen here) is predicted, and `submission.csv` is written from the predictions.
 */
export function TestSetSection(props: { state: ResultsSlice; commands: ResultsCommands; found: readonly SourceFile[] }) {
  const { state, commands, found } = props;
  const test = state.test;
  const csv = testSubmission(state);
  const can = { predict: canPredictTest(state), download: canDownloadSubmission(state) };
  const folder = found[0]?.path.split('/')[0];
  return (
    <div data-testid="test-set">
      <h3>Test set and submission</h3>
      <div className="actions">
        {found.length > 0 && (
          <button data-testid="test-predict-found" disabled={!can.predict.ok} title={can.predict.why} onClick={() => commands.predictTest(found)}>
            Predict {folder}/ ({found.length} pictures)
          </button>
        )}
        <label className={`button secondary${can.predict.ok ? '' : ' disabled'}`} title={can.predict.why}>
          Choose a test folder…
          <input
            type="file"
            data-testid="test-input"
            {...{ webkitdirectory: '', directory: '' }}
            multiple
            hidden
            disabled={!can.predict.ok}
            onChange={(e) => {
              const files = e.target.files ? fromFolderInput(e.target.files) : [];
              e.target.value = '';
              if (files.length) void commands.predictTest(files);
            }}
          />
        </label>
        {test && (
          <span className="muted" data-testid="test-progress" data-done={test.predictions.length + test.failed.length} data-total={test.total}>
            {test.predictions.length + test.failed.length}/{test.total} predicted{state.data?.task === 'multi' ? `; tags at threshold ${state.learnerSpec.thresh}` : ''}
          </span>
        )}
        {csv && (
          <button className="secondary" data-testid="submission-download" disabled={!can.download.ok} title={can.download.why} onClick={() => downloadBytes('submission.csv', new TextEncoder().encode(csv), 'text/csv')}>
            Download submission.csv
          </button>
        )}
      </div>
      {test && test.failed.length > 0 && (
        <p className="error" data-testid="test-failed">
          {test.failed.length} picture{test.failed.length === 1 ? '' : 's'} could not be predicted and {test.failed.length === 1 ? 'is' : 'are'} left out: {test.failed.slice(0, 3).join('; ')}
          {test.failed.length > 3 ? '; …' : ''}
        </p>
      )}
      {csv && <pre data-testid="submission-preview">{csv.split('\n').slice(0, PREVIEW_LINES).join('\n')}</pre>}
      {!csv && test === null && <p className="muted">Predict an unlabelled folder (Kaggle's test/) to write a submission: {state.data?.task === 'multi' ? 'image_name,tags' : 'id,label'}.</p>}
    </div>
  );
}
