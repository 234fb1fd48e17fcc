/**
 * Wall time and this process's CPU time side by side. On a machine shared with other jobs the
 * wall time of the same work swings 2-3x as neighbours come and go, while the CPU time the work
 * itself burns (tfjs's cpu and wasm backends run on one thread in Node) stays close to what an
 * idle machine would show, so each figure is reported both ways.
 */

/** Elapsed wall and CPU (user + system) milliseconds. */
export interface Lap {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Starts a clock; the returned function gives the time since the start.
 * @example const lap = startClock(); await work(); const { wallMs, cpuMs } = lap();
 */
export function startClock(): () => Lap {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (d.user + d.system) / 1000 };
  };
}

/** Sum of laps. */
export function addLaps(a: Lap, b: Lap): Lap {
  return { wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs };
}

/** A lap minus another (e.g. an epoch minus its validation pass). */
export function subLaps(a: Lap, b: Lap): Lap {
  return { wallMs: a.wallMs - b.wallMs, cpuMs: a.cpuMs - b.cpuMs };
}

/** The zero lap. */
export const NO_TIME: Lap = { wallMs: 0, cpuMs: 0 };
