// The partial plotly bundle ships no types; this declares the few calls the studio makes.
declare module 'plotly.js-cartesian-dist-min' {
  export interface PlotPoint {
    x: number;
    y: number;
    curveNumber: number;
    pointIndex: number;
  }
  export interface PlotEvent {
    points: PlotPoint[];
    range?: { x: [number, number] };
  }
  /** The parts of a drawn axis the studio reads: its type and pixel-to-value map. */
  export interface FullAxis {
    type: 'linear' | 'log' | string;
    /** Pixel (from the plot area's left or top) to the linearised value: log10 of it on a log axis. */
    p2l(px: number): number;
  }
  export interface PlotElement extends HTMLDivElement {
    _fullLayout?: { xaxis?: FullAxis };
    on(event: 'plotly_click' | 'plotly_selected' | 'plotly_hover', handler: (e: PlotEvent | undefined) => void): void;
    removeAllListeners?(event: string): void;
  }
  export function react(el: HTMLElement, data: object[], layout: object, config?: object): Promise<PlotElement>;
  export function purge(el: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
