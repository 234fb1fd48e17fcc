/**
 * `tf.profile` of the pretrained ImageNet body's training step (item 2b's model: the built-in
 * MobileNetV2 cut at block_11_expand_relu with fastai's head, built by `buildModel`), frozen and
 * unfrozen, on one backend: which kernels a step spends its time in. Not part of `npm run bench`;
 * a tool for optimising the kernels (bench/BODY-SPEED.md has its tables).
 * Run: `npx tsx bench/items/bodyProfile.ts` (PROFILE_BACKEND=wasm, PROFILE_SIZE=128,
 * PROFILE_BATCH=16, PROFILE_MODES=frozen,unfrozen, PROFILE_TOP=12 by default).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../src/core/model/build';
import type { BackendName } from '../../src/core/tf/backend';
import { Learner } from '../../src/core/train/learner';
import { IMAGENET_STATS } from '../../src/core/transforms/augment';
import { backboneLoader } from '../../src/io/backbone';
import { serveFolder } from '../../src/io/node/staticServer';
import { useBackend } from '../lib/backend';
import { repeatLoaders, syntheticBatch } from '../lib/loaders';
import { progress } from '../lib/log';
import { isMain, printJson } from '../lib/main';
import { profileSteps, type KernelRow } from '../lib/profile';
import { round } from '../lib/stats';

const CLASSES = 10;
const LR = 1e-3;
const env = process.env;

/** One profiled mode: per step, wall and kernel time, launches, and the slowest kernels. */
export interface BodyProfile {
  readonly mode: 'frozen' | 'unfrozen';
  readonly wallMs: number;
  readonly kernelMs: number;
  readonly calls: number;
  readonly top: readonly KernelRow[];
}

/** Profiles `steps` training steps (after one warm-up fit) of the body in each of `modes`. */
export async function profileBody(backend: BackendName, size: number, batch: number, modes: readonly ('frozen' | 'unfrozen')[], top = 12, steps = 2): Promise<BodyProfile[]> {
  await useBackend(backend);
  const server = await serveFolder(join(process.cwd(), 'public'));
  const out: BodyProfile[] = [];
  try {
    const grouped = await buildModel({ kind: 'pretrained', url: `${server.url}/models/mobilenet_v2/model.json` }, 'single', CLASSES, { height: size, width: size, stats: IMAGENET_STATS }, backboneLoader);
    const data = syntheticBatch(batch, size, CLASSES);
    const learn = new Learner(repeatLoaders(data, CLASSES, steps, 0), grouped, { lr: LR });
    try {
      for (const mode of modes) {
        if (mode === 'frozen') learn.freeze();
        else learn.unfreeze();
        await learn.fit(1, LR);
        // Kernels only: customGrad ops also appear as scopes named after the op.
        const p = await profileSteps(async () => void (await learn.fit(1, LR)), steps, 1);
        const kernels = p.kernels.filter((k) => tf.getKernel(k.name, backend) != null);
        const row = {
          mode,
          wallMs: p.wallMs,
          kernelMs: round(
            kernels.reduce((s, k) => s + k.ms, 0),
            1,
          ),
          calls: round(
            kernels.reduce((s, k) => s + k.calls, 0),
            1,
          ),
          top: kernels.slice(0, top),
        };
        progress(`${backend} ${size}px batch ${batch} ${mode}: ${row.wallMs} ms wall, ${row.kernelMs} ms in ${row.calls} kernels (load ${loadavg()[0].toFixed(2)})`);
        for (const k of row.top) progress(`  ${k.name.padEnd(36)} ${k.ms.toFixed(1).padStart(9)} ms ${String(k.calls).padStart(6)} calls`);
        out.push(row);
      }
    } finally {
      learn.dispose();
      grouped.model.dispose();
      tf.dispose([data.x, data.y]);
    }
  } finally {
    await server.close();
  }
  return out;
}

if (isMain(import.meta.url)) {
  const modes = (env.PROFILE_MODES ?? 'frozen,unfrozen').split(',') as ('frozen' | 'unfrozen')[];
  printJson(await profileBody((env.PROFILE_BACKEND ?? 'wasm') as BackendName, Number(env.PROFILE_SIZE ?? 128), Number(env.PROFILE_BATCH ?? 16), modes, Number(env.PROFILE_TOP ?? 12)));
}
