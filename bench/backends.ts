/**
 * Measures one training step (forward, loss, gradients, AdamW update) of the studio's small CNN
 * per tfjs backend, in Node: batch 64 of 28x28 RGB (MNIST-sized) input, 10 classes. Uses the
 * same probe the app can run (`probeBackends`). Prints JSON with samples/s per backend.
 * Run: `npx tsx bench/backends.ts [cpu,wasm] [reps]`.
 */
import * as tf from '@tensorflow/tfjs';
import { smallCnn } from '../src/core/model/smallCnn';
import { paramGroups } from '../src/core/model/params';
import type { BackendName } from '../src/core/tf/backend';
import { pickFastest, probeBackends } from '../src/core/tf/probe';
import { crossEntropyFlat } from '../src/core/train/losses';
import { AdamW } from '../src/core/train/optimizer';

const BACKENDS = (process.argv[2] ?? 'cpu,wasm').split(',') as BackendName[];
const REPS = Number(process.argv[3] ?? 10);
const BATCH = 64;
const SIZE = 28;
const CLASSES = 10;

interface Setup {
  readonly backend: string;
  readonly model: tf.LayersModel;
  readonly vars: tf.Variable[];
  readonly opt: AdamW;
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
}

/** Model, optimizer and one fixed batch, made on the active backend (variables live where they are made). */
function setUp(): Setup {
  const grouped = smallCnn(CLASSES, { seed: 1 });
  const groups = paramGroups(grouped);
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32');
  return { backend: tf.getBackend(), model: grouped.model, vars: groups.flat().map((p) => p.variable), opt: new AdamW(groups, { lr: 1e-3 }), x, y };
}

function tearDown(s: Setup): void {
  s.opt.dispose();
  s.model.dispose();
  tf.dispose([s.x, s.y]);
}

async function main() {
  const loss = crossEntropyFlat();
  let s: Setup | undefined;
  // The Learner's step: one tape for forward + loss + gradients, the loss read back, then AdamW.
  const step = async () => {
    if (s?.backend !== tf.getBackend()) {
      if (s) tearDown(s);
      s = setUp();
    }
    const cur = s;
    const { value, grads } = tf.variableGrads(() => loss.mean(cur.model.apply(cur.x, { training: true }) as tf.Tensor, cur.y), cur.vars);
    await value.data();
    cur.opt.step(grads);
    tf.dispose([value, ...Object.values(grads)]);
  };
  const results = await probeBackends(BACKENDS, step, { warmup: 3, reps: REPS });
  if (s) tearDown(s);
  const wasmThreads = BACKENDS.includes('wasm') ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : undefined;
  const rows = results.map((r) => ({ ...r, samplesPerSecond: r.msPerStep ? +((BATCH * 1000) / r.msPerStep).toFixed(1) : undefined }));
  const ok = results.some((r) => r.msPerStep !== undefined);
  console.log(
    JSON.stringify(
      {
        bench: `one training step of smallCnn (~25k parameters), batch ${BATCH}, ${SIZE}x${SIZE}x3, ${CLASSES} classes, AdamW; Node ${process.version}, median of ${REPS} steps after 3 warm-up`,
        wasmThreads,
        results: rows,
        pick: ok ? pickFastest(results) : undefined,
      },
      null,
      2,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
