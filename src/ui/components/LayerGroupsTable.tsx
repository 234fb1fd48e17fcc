import type { LearnerInfo } from '../../workers/protocol';

/**
 * The learner's layer groups: name (and the layer it starts at), parameters, and whether it
 * trains. A frozen group of an image body still trains its batch norm's scale and shift.
 */
export function LayerGroupsTable(props: { groups: LearnerInfo['groups']; rowTestId: string; frozenLabel: string }) {
  return (
    <table className="counts">
      <thead>
        <tr>
          <th>layer group</th>
          <th>parameters</th>
          <th>trains</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => (
          <tr key={g.name} data-testid={props.rowTestId} data-frozen={String(g.frozen)}>
            <td title={g.from ? `from layer ${g.from}` : undefined}>
              {g.name}
              {g.from && g.name !== 'head' ? <span className="muted"> (from {g.from})</span> : null}
            </td>
            <td>{g.params.toLocaleString('en-US')}</td>
            <td>{g.frozen ? props.frozenLabel : 'yes'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
