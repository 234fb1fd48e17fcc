/** Distinct, colour-blind-friendlier colours for classes (Okabe-Ito first, then Tableau). */
export const CLASS_COLOURS: readonly string[] = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#4E79A7',
  '#F28E2B',
  '#59A14F',
  '#EDC948',
  '#B07AA1',
  '#FF9DA7',
  '#9C755F',
  '#76B7B2',
  '#E15759',
];

/** Colour of a code; the void code is drawn neutral grey so it never reads as a class. */
export function codeColour(index: number, voidIndex: number, background?: number): string {
  if (index === voidIndex) return '#808080';
  if (index === background) return 'transparent';
  return CLASS_COLOURS[index % CLASS_COLOURS.length];
}

/** `#rrggbb` -> [r, g, b]. */
export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
