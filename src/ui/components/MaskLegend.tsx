import type { MaskStyle } from '../charts/paintTile';
import { codeColour } from '../charts/palette';

/** The colour of each segmentation code, as the tiles tint them. */
export function MaskLegend(props: { classes: readonly string[]; style: MaskStyle }) {
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
