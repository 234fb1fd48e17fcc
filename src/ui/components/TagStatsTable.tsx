import type { TagStats } from '../../core/interpret/multiLabel';

const f3 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));

/** Multi-label per-tag scores at a threshold (pictures or texts): precision, recall, F1, how many have the tag and how many are given it. */
export function TagStatsTable(props: { tags: readonly (TagStats & { readonly name: string })[] }) {
  return (
    <table className="epochs" data-testid="tag-stats">
      <thead>
        <tr>
          <th>tag</th>
          <th>precision</th>
          <th>recall</th>
          <th>F1</th>
          <th>support</th>
          <th>predicted</th>
        </tr>
      </thead>
      <tbody>
        {props.tags.map((t) => (
          <tr key={t.tag} data-testid="tag-row" data-tag={t.name}>
            <td>{t.name}</td>
            <td>{f3(t.precision)}</td>
            <td>{f3(t.recall)}</td>
            <td>{f3(t.f1)}</td>
            <td>{t.support}</td>
            <td>{t.predicted}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
