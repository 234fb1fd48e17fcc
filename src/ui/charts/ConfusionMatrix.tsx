import { useMemo } from 'react';
import { Plot } from './Plot';

/** fastai's `plot_confusion_matrix`: a heatmap of counts, actual on rows, predicted on columns. */
export function ConfusionMatrix(props: { matrix: readonly (readonly number[])[]; classes: readonly string[] }) {
  const { matrix, classes } = props;
  const data = useMemo(
    () => [
      {
        z: matrix.slice().reverse(),
        x: classes,
        y: classes.slice().reverse(),
        type: 'heatmap',
        colorscale: 'Blues',
        // Plotly's Blues runs dark to light; reversed, more images read darker, as in fastai's plot.
        reversescale: true,
        showscale: false,
        hovertemplate: 'actual %{y}<br>predicted %{x}<br>%{z} images<extra></extra>',
      },
    ],
    [matrix, classes],
  );
  const layout = useMemo(() => {
    const max = Math.max(1, ...matrix.flat());
    // Counts written in each cell, white on dark cells so they stay readable.
    // Positions on a category axis are indices: names like "3" and "7" would be read as
    // coordinates 3 and 7 and stretch the axes. Rows are drawn reversed (actual[0] on top).
    const n = classes.length;
    const annotations = matrix.flatMap((row, i) => row.map((v, j) => ({ x: j, y: n - 1 - i, text: String(v), showarrow: false, font: { color: v > max / 2 ? 'white' : '#1d1d1f', size: 14 } })));
    const side = Math.min(560, Math.max(300, 120 + 44 * n));
    return { xaxis: { title: { text: 'predicted' }, type: 'category', side: 'bottom' }, yaxis: { title: { text: 'actual' }, type: 'category' }, annotations, width: side + 80, margin: { l: 80, r: 20, t: 20, b: 60 } };
  }, [matrix, classes]);
  return <Plot testId="confusion-matrix" data={data} layout={layout} height={Math.min(560, Math.max(300, 120 + 44 * classes.length))} />;
}
