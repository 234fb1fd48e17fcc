/**
 * Progress lines go to stderr so stdout carries only the JSON a benchmark prints; a run of
 * several minutes shows where it is.
 */
const started = performance.now();

/** Writes one progress line to stderr, prefixed with the seconds since the process started. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
}
