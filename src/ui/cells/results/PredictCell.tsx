import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { PredictSlice } from '../slices';
import { isImagePath } from '../../../core/data/paths';
import type { SourceFile } from '../../../core/data/types';
import { fromLooseFiles } from '../../../io/browserFiles';
import { canFineTuneCorrections, canPredict } from '../../../state/canRun';
import type { ResultsCommands } from '../../../state/resultsActions';
import type { Prediction } from '../../../state/trainState';
import type { Heatmap } from '../../../core/interpret/gradCam';
import { paintHeat } from '../../charts/paintTile';
import { codeColour, hexToRgb } from '../../charts/palette';
import { Cell } from '../../components/Cell';
import { DropZone } from '../../components/DropZone';

/**
 * The lesson's web app, in the page: drop or choose pictures, see what the model says. A wrong
 * answer can be marked with the right label; the corrections become extra training data for a
 * fine-tuning run.
 */
export const PredictCell = memo(function PredictCell(props: { state: PredictSlice; commands: ResultsCommands; canFineTune: boolean }) {
  const { state, commands } = props;
  const [heat, setHeat] = useState(false);
  const corrections = state.predictions.filter((p) => p.correction).length;
  const can = { predict: canPredict(state), fineTune: canFineTuneCorrections(state, corrections, props.canFineTune) };
  const predictPictures = (files: readonly SourceFile[]) => commands.predict(files.filter((f) => isImagePath(f.path)));
  const onFiles = async (files: File[]) => predictPictures(await fromLooseFiles(files));
  return (
    <Cell index={9} title="Predict" note="learn.predict on your own pictures; mark mistakes to learn from them">
      <DropZone testId="predict-drop" onFiles={predictPictures}>
        <p>Drop pictures here, or</p>
        <label className="button" title={can.predict.why}>
          Choose pictures…
          <input
            type="file"
            data-testid="predict-input"
            accept="image/*"
            multiple
            hidden
            disabled={!can.predict.ok}
            onChange={(e) => {
              const files = e.target.files ? Array.from(e.target.files) : [];
              // Cleared so that choosing the same picture again (after fine-tuning, say) predicts again.
              e.target.value = '';
              onFiles(files);
            }}
          />
        </label>
        {state.busy === 'predict' && <span className="muted">predicting…</span>}
        {state.predictions.some((p) => p.info.heat) && (
          <label className="check" title="Grad-CAM: where the model looked for its predicted class">
            <input type="checkbox" data-testid="predict-heatmap" checked={heat} onChange={(e) => setHeat(e.target.checked)} />
            heatmaps (Grad-CAM)
          </label>
        )}
      </DropZone>
      <ul className="predictions" data-testid="predict-output">
        {state.predictions.map((p) => (
          <PredictionView key={p.id} prediction={p} thresh={state.learnerSpec.thresh} commands={commands} heat={heat} />
        ))}
      </ul>
      {state.predictions.length > 0 && (
        <div className="actions">
          <span data-testid="corrections-count" data-count={corrections}>
            {corrections} correction{corrections === 1 ? '' : 's'} collected
          </span>
          <button data-testid="fine-tune" disabled={!can.fineTune.ok} onClick={() => commands.fineTune()} title={can.fineTune.why}>
            Fine-tune with corrections ({state.epochs} epoch{state.epochs === 1 ? '' : 's'} at {state.lrInput})
          </button>
          <button className="secondary" data-testid="predict-clear" onClick={() => commands.clearPredictions()}>
            Clear
          </button>
        </div>
      )}
    </Cell>
  );
});

/** One prediction: the picture, the top classes (or tags, mask share, point), and the correction form. */
function PredictionView(props: { prediction: Prediction; thresh: number; commands: ResultsCommands; heat: boolean }) {
  const { prediction: p } = props;
  const { info } = p;
  const [label, setLabel] = useState(info.classes[0] ?? '');
  const url = useObjectUrl(p.file);
  const ranked = useMemo(() => info.classes.map((name, c) => ({ name, prob: info.values[c] })).sort((a, b) => b.prob - a.prob), [info]);
  const top =
    info.task === 'single'
      ? ranked[0]?.name
      : info.task === 'multi'
        ? ranked
            .filter((r) => r.prob > props.thresh)
            .map((r) => r.name)
            .join(' ')
        : '';
  return (
    <li
      className="prediction"
      data-testid="prediction"
      data-path={p.file.path}
      data-top={top}
      data-probs={info.task === 'single' || info.task === 'multi' ? JSON.stringify(Object.fromEntries(ranked.map((r) => [r.name, Number(r.prob.toFixed(6))]))) : ''}
    >
      <div className="picture">
        {url && info.task !== 'segmentation' && !(props.heat && info.heat) && <img src={url} alt={p.file.path} />}
        {url && props.heat && info.heat && <HeatOverlay url={url} heat={info.heat} />}
        {url && info.task === 'segmentation' && <MaskOverlay url={url} info={info} />}
        {info.task === 'points' && <PointMarker values={info.values} />}
      </div>
      <div className="answer">
        <b>{p.file.path.split('/').pop()}</b>
        <Answer info={info} ranked={ranked} thresh={props.thresh} />
        {(info.task === 'single' || info.task === 'multi') && (
          <div className="correct-form">
            {p.correction ? (
              <span data-testid="correction" className="status stopped">
                marked wrong: should be <b>{p.correction}</b>{' '}
                <button className="link" onClick={() => props.commands.correct(p.id, undefined)}>
                  undo
                </button>
              </span>
            ) : info.task === 'single' ? (
              <>
                <select data-testid="correct-label" value={label} onChange={(e) => setLabel(e.target.value)}>
                  {info.classes.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
                <button className="secondary" data-testid="mark-wrong" onClick={() => props.commands.correct(p.id, label)}>
                  Wrong: it is this
                </button>
              </>
            ) : (
              <>
                <input data-testid="correct-label" placeholder="right tags, space-separated" onChange={(e) => setLabel(e.target.value)} />
                <button className="secondary" data-testid="mark-wrong" onClick={() => label.trim() && props.commands.correct(p.id, label.trim())}>
                  Wrong: tags are these
                </button>
              </>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

function Answer(props: { info: Prediction['info']; ranked: { name: string; prob: number }[]; thresh: number }) {
  const { info, ranked } = props;
  if (info.task === 'single') {
    return (
      <ol className="compact">
        {ranked.slice(0, 3).map((r) => (
          <li key={r.name}>
            {r.name} <span className="bar" style={{ width: `${Math.round(r.prob * 100)}px` }} /> {(r.prob * 100).toFixed(1)}%
          </li>
        ))}
      </ol>
    );
  }
  if (info.task === 'multi') {
    const on = ranked.filter((r) => r.prob > props.thresh);
    return (
      <p>
        tags over {props.thresh}: {on.length ? on.map((r) => `${r.name} (${(r.prob * 100).toFixed(0)}%)`).join(', ') : 'none'}
      </p>
    );
  }
  if (info.task === 'points') {
    return (
      <p>
        point at ({((info.values[0] + 1) / 2).toFixed(3)}, {((info.values[1] + 1) / 2).toFixed(3)}) of the width and height
      </p>
    );
  }
  return <MaskShare info={info} />;
}

/** Segmentation: how much of the picture each code takes in the prediction. */
function MaskShare(props: { info: Prediction['info'] }) {
  const { info } = props;
  const [h, w, C] = info.shape;
  const counts = new Array<number>(C).fill(0);
  for (let p = 0; p < h * w; p++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (info.values[p * C + c] > info.values[p * C + best]) best = c;
    counts[best]++;
  }
  const share = counts.map((n, c) => ({ name: info.classes[c], pct: (100 * n) / (h * w) })).filter((s) => s.pct > 0.5);
  return <p>predicted mask: {share.map((s) => `${s.name} ${s.pct.toFixed(0)}%`).join(', ')}</p>;
}

/**
 * Draws the centre window of the picture at `url` with the canvas's shape (what the default crop
 * keeps at the model's height × width) onto `canvas`, then `over` on top of it: the predicted
 * mask, or the Grad-CAM map.
 */
function drawCentreWindow(url: string, canvas: HTMLCanvasElement | null, smooth: boolean, over: (ctx: CanvasRenderingContext2D, canvas: HTMLCanvasElement) => void): void {
  const img = new Image();
  img.onload = () => {
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const scale = Math.min(img.width / canvas.width, img.height / canvas.height);
    const [w, h] = [canvas.width * scale, canvas.height * scale];
    ctx.imageSmoothingEnabled = smooth;
    ctx.drawImage(img, (img.width - w) / 2, (img.height - h) / 2, w, h, 0, 0, canvas.width, canvas.height);
    over(ctx, canvas);
  };
  img.src = url;
}

/** The picture as the model saw it under its Grad-CAM map. */
function HeatOverlay(props: { url: string; heat: Heatmap }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => drawCentreWindow(props.url, ref.current, false, (ctx, canvas) => paintHeat(ctx, props.heat, canvas.width, canvas.height)), [props.url, props.heat]);
  // The map has the model's input shape (its feature map's), so the canvas takes that shape.
  return <canvas ref={ref} {...shaped(112, props.heat.height, props.heat.width)} data-testid="predict-heat" />;
}

/** Canvas sides with the longer one at `longest` px and the shape of `height x width`. */
function shaped(longest: number, height: number, width: number): { width: number; height: number } {
  const scale = longest / Math.max(height, width);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** Segmentation: the centre window of the picture with the predicted mask tinted over it. */
function MaskOverlay(props: { url: string; info: Prediction['info'] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(
    () =>
      drawCentreWindow(props.url, ref.current, true, (ctx, canvas) => {
        const [h, w, C] = props.info.shape;
        const tint = new OffscreenCanvas(w, h);
        const tctx = tint.getContext('2d')!;
        const data = tctx.createImageData(w, h);
        const background = props.info.classes.indexOf('Background');
        const voidIndex = props.info.classes.findIndex((c) => /^void$/i.test(c));
        for (let p = 0; p < h * w; p++) {
          let best = 0;
          for (let c = 1; c < C; c++) if (props.info.values[p * C + c] > props.info.values[p * C + best]) best = c;
          const colour = codeColour(best, voidIndex, background);
          if (colour === 'transparent') continue;
          const [r, g, b] = hexToRgb(colour);
          data.data.set([r, g, b, 150], p * 4);
        }
        tctx.putImageData(data, 0, 0);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(tint, 0, 0, canvas.width, canvas.height);
      }),
    [props.url, props.info],
  );
  return <canvas ref={ref} {...shaped(160, props.info.shape[0], props.info.shape[1])} data-testid="predict-mask" />;
}

/** The predicted point over the picture; the picture is shown squished to a square as the model saw it. */
function PointMarker(props: { values: readonly number[] }) {
  const [x, y] = props.values.map((v) => ((v + 1) / 2) * 100);
  return <span className="point-marker" style={{ left: `${x}%`, top: `${y}%` }} />;
}

function useObjectUrl(file: Prediction['file']): string {
  const [url, setUrl] = useState('');
  useEffect(() => {
    let live = true;
    let made = '';
    file.read().then((bytes) => {
      if (!live) return;
      made = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file]);
  return url;
}
