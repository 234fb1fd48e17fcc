import type { BackboneResult } from '../items/backbone';
import type { MatrixResult } from '../items/backendMatrix';
import type { LoopResult } from '../items/loop';
import type { MemoryResult } from '../items/memory';
import type { NativeResult } from '../items/native';
import type { PipelineResult } from '../items/pipeline';
import type { TextLstmResult } from '../items/textLstm';
import type { Machine } from '../lib/machine';

/** Items of the benchmark that need a browser or packages the Node run does not have. */
export const BROWSER_ONLY: Readonly<Record<string, string>> = {
  '3': 'ml5.js peer on mnist_tiny: browser-only (ml5.js runs in a page and is not a dependency); `npm run bench:browser` measures it, see bench/RESULTS-browser.md',
  '5': 'main-thread long tasks during a fit: browser-only (Node has no page main thread); `npm run bench:browser` measures them, see bench/RESULTS-browser.md',
};

/** Everything one `npm run bench` measured, as printed on stdout. */
export interface BenchResults {
  readonly machine: Machine;
  /** Threads of the wasm backend (1 in Node). */
  readonly wasmThreads?: number;
  /** Load averages when the run ended. */
  readonly loadAverageEnd: readonly number[];
  readonly seconds: number;
  readonly loop: LoopResult;
  readonly matrix: MatrixResult;
  /** Item 2b: the pretrained ImageNet body per backend, size and mode. */
  readonly backbone: BackboneResult;
  readonly pipeline: PipelineResult;
  readonly memory: MemoryResult;
  readonly native: NativeResult;
  /** Item 8: the text AWD-LSTM's training steps per backend. */
  readonly text: TextLstmResult;
  readonly notMeasured: Readonly<Record<string, string>>;
  readonly targets: readonly TargetCheck[];
}

/** One target of the issue: met, not met, or not measurable here. */
export interface TargetCheck {
  readonly item: number;
  readonly target: string;
  /** null when not judged here: skipped, measured by the browser benchmark, or a reference without a threshold. */
  readonly met: boolean | null;
  readonly figure: string;
  /** What to say instead of met / not met when `met` is null (default: not measured). */
  readonly unjudged?: string;
}
