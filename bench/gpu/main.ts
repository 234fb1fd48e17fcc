/**
 * `npm run bench:gpu`: the studio's engine on tfjs's WebGPU backend in Node through Dawn (the
 * npm package `webgpu`), against PyTorch where it is installed. For each model the studio offers
 * (small CNN, xresnet, U-Net on the small CNN for segmentation, the built-in ImageNet
 * MobileNetV2 body) at 64 and 128 px (and 224 for the body): ms per training step of a bare tfjs
 * loop and of the studio's `Learner.fitOneCycle`, warm-up excluded; then torch_bench.py's
 * same models in fp32 and bf16. Prints the adapter and flags a software one (lavapipe,
 * llvmpipe, SwiftShader, a fallback adapter) as NOT a GPU result.
 *
 * Writes bench/RESULTS-gpu.md and prints one JSON object on stdout (progress on stderr).
 * Flags:
 *   --quick            64 px only, batch 8, 1 warm-up + 2 timed steps (for a CPU machine)
 *   --out DIR          also write DIR/gpu-bench.json after every cell and DIR/RESULTS-gpu.md
 *   --results FILE     the markdown's path (default bench/RESULTS-gpu.md, or DIR/RESULTS-gpu.md with --out)
 *   --public DIR       the folder served for the ImageNet body (default public/)
 *   --torch-json FILE  take PyTorch results from FILE instead of running torch_bench.py
 *   --no-torch         skip PyTorch
 *   --models a,b       only these models (smallCnn, xresnet, unet_smallCnn, mobilenet_v2)
 *   --deadline-s N     start no cell after N seconds (the rest are listed as not run)
 *   --from-json FILE   measure nothing: re-render a gpu-bench.json (e.g. from a run that was
 *                      killed) with --torch-json's results into the markdown, and print it
 * Environment: WEBGPU_MODULE, DAWN_FLAGS (see webgpu.ts), PYTHON (default python3).
 * Setup: `bash bench/gpu/prepare.sh` (fetches webgpu, builds the payload for a GPU machine);
 * locally on a CPU, `source bench/gpu/lavapipe.sh` first for a software Vulkan.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { serveFolder } from '../../src/io/node/staticServer';
import { useBackend } from '../lib/backend';
import { progress } from '../lib/log';
import { printJson } from '../lib/main';
import { BODY_PATH, runCell, type CellResult, type CellSpec, type GpuModel, type StepPlan } from './cells';
import { renderGpuResults } from './report';
import { readTorchJson, runTorch, type TorchResult } from './torch';
import { installWebGpu, type AdapterReport } from './webgpu';

/** Everything a run measured; the JSON printed on stdout. */
export interface GpuBenchResults {
  readonly quick: boolean;
  readonly machine: { readonly date: string; readonly cpu: string; readonly cores: number; readonly os: string; readonly node: string; readonly tfjs: string };
  readonly adapter?: AdapterReport;
  readonly webgpuError?: string;
  readonly backend?: string;
  /** True only when the numbers come from a hardware adapter. */
  readonly gpuResult: boolean;
  readonly setup: string;
  readonly plan: StepPlan;
  readonly cells: readonly CellResult[];
  readonly skippedCells: readonly string[];
  readonly torch: TorchResult;
  readonly seconds: number;
}

const MODELS: readonly GpuModel[] = ['smallCnn', 'xresnet', 'unet_smallCnn', 'mobilenet_v2'];

/** The full plan, also torch_bench.py's default (keep the two in step): 64 px, then 128, then the body at 224. */
const FULL_CELLS: readonly CellSpec[] = [...MODELS.map((model) => ({ model, size: 64, batch: 64 })), ...MODELS.map((model) => ({ model, size: 128, batch: 64 })), { model: 'mobilenet_v2', size: 224, batch: 32 }];
const QUICK_CELLS: readonly CellSpec[] = MODELS.map((model) => ({ model, size: 64, batch: 8 }));
const FULL_PLAN: StepPlan = { warm: 3, reps: 20, minReps: 5, budgetMs: 3000 };
const QUICK_PLAN: StepPlan = { warm: 1, reps: 2, minReps: 2, budgetMs: 0 };

interface Args {
  quick: boolean;
  out?: string;
  results: string;
  publicDir: string;
  torchJson?: string;
  noTorch: boolean;
  models?: readonly string[];
  deadlineS: number;
  fromJson?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const known = ['--quick', '--out', '--results', '--public', '--torch-json', '--no-torch', '--models', '--deadline-s', '--from-json'];
  const unknown = argv.filter((a, i) => a.startsWith('--') && !known.includes(a) && !known.includes(argv[i - 1]));
  if (unknown.length) throw new Error(`unknown flag ${unknown.join(' ')} (flags: ${known.join(' ')})`);
  const out = value('--out');
  return {
    quick: argv.includes('--quick'),
    out,
    results: resolve(value('--results') ?? (out ? join(out, 'RESULTS-gpu.md') : 'bench/RESULTS-gpu.md')),
    publicDir: resolve(value('--public') ?? 'public'),
    torchJson: value('--torch-json'),
    noTorch: argv.includes('--no-torch'),
    models: value('--models')?.split(','),
    deadlineS: Number(value('--deadline-s') ?? Infinity),
    fromJson: value('--from-json'),
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const args = parseArgs(process.argv.slice(2));
  if (args.out) mkdirSync(args.out, { recursive: true });
  if (args.fromJson) return rerender(args);
  const plan = args.quick ? QUICK_PLAN : FULL_PLAN;
  const wanted = (args.quick ? QUICK_CELLS : FULL_CELLS).filter((c) => !args.models || args.models.includes(c.model));
  const machine = { date: new Date().toISOString(), cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, os: `${platform()} ${release()}`, node: process.version, tfjs: tf.version.tfjs };
  progress(`${machine.cpu} x ${machine.cores}, Node ${machine.node}, tfjs ${machine.tfjs}${args.quick ? ', --quick' : ''}`);

  let adapter: AdapterReport | undefined;
  let webgpuError: string | undefined;
  let backend: string | undefined;
  try {
    adapter = await installWebGpu();
    progress(`adapter: vendor "${adapter.vendor}", architecture "${adapter.architecture}", device "${adapter.device}", description "${adapter.description}", isFallbackAdapter ${adapter.isFallbackAdapter}`);
    if (adapter.software) progress(`*** ${adapter.softwareReason}: a software adapter, NOT a GPU result ***`);
    await useBackend('webgpu');
    backend = tf.getBackend();
    progress(`tfjs backend: ${backend}`);
  } catch (e) {
    webgpuError = e instanceof Error ? e.message : String(e);
    progress(`WebGPU did not start: ${webgpuError}`);
  }

  const cells: CellResult[] = [];
  const skippedCells: string[] = [];
  let torch: TorchResult = { skipped: 'not run yet' };
  const setup = `random normalized inputs, ${plan.warm} warm-up step(s) excluded (the first step's time, with pipeline compilation, is shown apart), then up to ${plan.reps} timed steps (at least ${plan.minReps}, within ${plan.budgetMs / 1000} s), timed from a GPU sync to a GPU sync; 10 classes (4 per-pixel codes for the U-Net); lr 1e-3. Bare = \`tf.variableGrads\` of softmax cross-entropy + \`tf.train.adam\`, loss read back each step. Studio = \`new Learner(tensorLoaders(...), buildModel(...)).fitOneCycle(1)\` (AdamW wd 0.01, one-cycle, recorder, prefetch), stopped before validation. Models are built by the studio's \`buildModel\`; the ImageNet body (public/${BODY_PATH}, cut at block_11_expand_relu, fastai head) trains unfrozen and scales pictures under 96 px up inside the model (64 px runs at 128).`;
  const snapshot = (): GpuBenchResults => ({
    quick: args.quick,
    machine,
    ...(adapter ? { adapter } : {}),
    ...(webgpuError ? { webgpuError } : {}),
    ...(backend ? { backend } : {}),
    gpuResult: adapter !== undefined && !adapter.software && backend === 'webgpu',
    setup,
    plan,
    cells,
    skippedCells,
    torch,
    seconds: (performance.now() - t0) / 1000,
  });
  const save = () => {
    if (args.out) writeFileSync(join(args.out, 'gpu-bench.json'), `${JSON.stringify(snapshot(), null, 2)}\n`);
  };

  if (backend === 'webgpu') {
    if (wanted.some((c) => c.model === 'mobilenet_v2') && !existsSync(join(args.publicDir, BODY_PATH))) {
      progress(`${join(args.publicDir, BODY_PATH)} is missing: run \`npx tsx scripts/buildBodies.ts\` (or pass --public)`);
    }
    const server = await serveFolder(args.publicDir);
    try {
      for (const spec of wanted) {
        const tag = `${spec.model} ${spec.size}px batch ${spec.batch}`;
        if ((performance.now() - t0) / 1000 > args.deadlineS) {
          skippedCells.push(`${tag} (past --deadline-s ${args.deadlineS})`);
          continue;
        }
        progress(`${tag}: bare, then studio ...`);
        const cell = await runCell(spec, plan, server.url, adapter?.maxStorageBufferBindingSize);
        cells.push(cell);
        progress(
          `${tag}: bare ${cell.bare ? `${cell.bare.msPerStep} ms/step (first ${cell.bare.firstStepMs} ms)` : `failed: ${cell.errors?.bare}`}, studio ${cell.studio ? `${cell.studio.msPerStep} ms/step (first ${cell.studio.firstStepMs} ms)` : `failed: ${cell.errors?.studio}`}${cell.studioOverBare ? `, studio/bare ${cell.studioOverBare}` : ''}; ${tf.memory().numTensors} tensors live`,
        );
        save();
      }
    } finally {
      await server.close();
    }
  } else {
    skippedCells.push(...wanted.map((c) => `${c.model} ${c.size}px (no WebGPU backend)`));
  }

  if (args.torchJson) torch = readTorchJson(args.torchJson);
  else if (args.noTorch) torch = { skipped: '--no-torch' };
  else {
    progress('PyTorch: torch_bench.py ...');
    const cellsArg = wanted.map((c) => `${c.model}:${c.size}:${c.batch}`).join(',');
    torch = runTorch([...(args.quick ? ['--quick'] : []), '--cells', cellsArg], 10 * 60_000);
    if (torch.skipped) progress(`PyTorch: ${torch.skipped}`);
  }

  const results = snapshot();
  save();
  mkdirSync(join(args.results, '..'), { recursive: true });
  writeFileSync(args.results, renderGpuResults(results));
  printJson(results);
  progress(`wrote ${args.results} in ${Math.round(results.seconds)} s${results.gpuResult ? '' : ' (NOT a GPU result)'}`);
}

/** `--from-json`: the markdown and JSON of an earlier (possibly partial) run, with PyTorch's results merged in. */
function rerender(args: Args): void {
  const saved = JSON.parse(readFileSync(args.fromJson!, 'utf8')) as GpuBenchResults;
  const results: GpuBenchResults = { ...saved, torch: args.torchJson ? readTorchJson(args.torchJson) : saved.torch };
  mkdirSync(join(args.results, '..'), { recursive: true });
  writeFileSync(args.results, renderGpuResults(results));
  printJson(results);
  progress(`wrote ${args.results} from ${args.fromJson}`);
}

main().then(
  // Dawn's device keeps the event loop alive: exit once everything is written.
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
