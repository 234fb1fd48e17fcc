import { cpus, loadavg, platform, release } from 'node:os';
import * as tf from '@tensorflow/tfjs';

/** Where and when a benchmark ran. */
export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
  readonly node: string;
  readonly tfjs: string;
  readonly tfjsWasm?: string;
  /** 1, 5 and 15 minute load averages when the run started: above the core count, others were competing. */
  readonly loadAverage: readonly number[];
}

/** The machine the benchmark runs on, read at the start of a run. */
export async function machineInfo(): Promise<Machine> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm').catch(() => undefined);
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()}`,
    node: process.version,
    tfjs: tf.version.tfjs,
    ...(wasm ? { tfjsWasm: wasm.version_wasm } : {}),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
