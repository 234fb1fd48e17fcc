/** `README.md` of the PyTorch export: the commands, what maps to what, and the versions tested. */
import { formatSize } from '../../data/sizeSpec';
import type { StudioManifest } from '../../project/manifest';
import type { TrainingPlan } from './plan';

/** The versions the export was tested with (Debian bookworm's packages). */
export const TESTED_WITH = "Python 3.11, PyTorch 1.13.1, torchvision 0.14.1, numpy 1.24, Pillow 9.4 (Debian bookworm's python3-torch 1.13.1+dfsg-4, python3-torchvision 0.14.1-2, python3-pil), on CPU with gloo";

/**
 * The README text for this notebook's export.
 * @example pytorchReadme(manifest, plan).startsWith('# Train this model in PyTorch') // true
 */
export function pytorchReadme(manifest: StudioManifest, plan: TrainingPlan): string {
  const runs = plan.runs.map((r, i) => `${i + 1}. ${r.frozen ? 'frozen' : 'unfrozen'}, ${formatSize(r.size)} px: \`learn.${r.call}\``).join('\n');
  const notes = plan.notes.map((n) => `- ${n}`).join('\n');
  return `# Train this model in PyTorch

Exported by the image studio: a ${manifest.task} model (${manifest.arch.name}), ${manifest.classes.length} classes, trained ${manifest.history.length} epochs in the browser.

## Run it

\`\`\`sh
python3 train.py --data DATA_DIR --out out                 # the recorded runs, from a fresh model (a pretrained body is kept)
python3 train.py --data DATA_DIR --out out --resume        # continue from the browser's weights (weights/)
python3 train.py --data DATA_DIR --out out --epochs 5 --lr 1e-3 --bs 64 --size 128 --device cuda --amp bf16
torchrun --nproc_per_node 4 train.py --data DATA_DIR --out out --device cuda   # DistributedDataParallel
\`\`\`

Without \`--resume\`, a model from scratch starts from new weights (drawn as its Keras config
says); a pretrained body keeps the weights in \`weights/\` (the browser's, fine-tuned if the
notebook unfroze it) under a new head, as \`vision_learner\` starts.

\`DATA_DIR\` is the folder the studio read, with the same relative paths (the data block in
\`weights/studio.json\` names its CSV, columns and folders). The script prints fastai's epoch table
for each run and ends with one JSON line of the final metrics (with \`start\` metrics when resuming).
It writes \`model.json\`, \`weights.bin\` and \`studio.json\` into \`--out\`: the studio's
**Import project** loads that folder (or a zip of it) and predicts as PyTorch did.

Options: \`--epochs N\` and \`--lr X\` (or \`LO,HI\`) replace every run's epochs and top rate (a
recorded slice keeps its spread); \`--size S\` or \`HxW\` every run's picture size; \`--bs B\` the
batch size per process; \`--weights DIR\` starts from another bundle (e.g. an earlier \`--out\`).

The recorded runs (\`plan.json\`):

${runs}
${notes ? `\nNot replayed:\n\n${notes}\n` : ''}
## Several processes and GPUs

\`torchrun --nproc_per_node N train.py ...\` starts N processes: NCCL with \`--device cuda\` (one GPU
each), gloo on the CPU. Each process reads its share of the training pictures (a
\`DistributedSampler\`, reshuffled every epoch), gradients are averaged by DistributedDataParallel,
and only rank 0 prints and writes files. **Learning rate:** the global batch is N x \`--bs\`, so
the rates are multiplied by N (the linear scaling rule); \`--lr-scale none\` keeps them as given.
Batch-norm statistics stay per process (not synchronized). Debian's torch 1.13 on Python 3.11
cannot start \`torchrun\` (an enum change in Python 3.11); \`python3 launch.py\` takes the same
arguments and works there.

\`--amp bf16\` (CPU or GPU) or \`--amp fp16\` (CUDA, with a gradient scaler) is fastai's \`to_fp16\`:
the forward pass runs in half precision, weights and the optimizer stay float32.

## What maps to what

- **Data block**: \`studio_data.py\` lists the items as the studio does (sorted by path), labels them
  with the studio's classes in its order, splits with the same seeded generator (the same validation
  files), and sizes pictures with the same crop/squish/pad window; \`studio_augment.py\` draws
  fastai's flip/dihedral, rotate, zoom, warp and lighting per picture and applies them to masks and
  points too; pictures are normalized with \`studio.json\`'s statistics.
- **Model**: \`studio_model.py\` builds the network from \`model.json\` layer by layer (Conv2D with
  TF's 'same' padding, DepthwiseConv2D, BatchNormalization, ReLU/ReLU6, Add, Concatenate, Dense,
  pooling, UpSampling2D, ZeroPadding2D, the U-Net's CropToMatch...). Weights convert both ways:
  conv kernels HWIO <-> OIHW, depthwise kernels, dense kernels transposed, batch norm's gamma, beta
  and moving mean/variance (Keras momentum m = PyTorch momentum 1 - m).
- **Training**: AdamW with fastai's settings (betas 0.9/0.99, eps 1e-5, decoupled weight decay
  ${plan.wd}, none on batch norm and biases); the layer groups of \`studio.json\`; freeze trains
  the last group and every batch norm; a slice spreads rates geometrically over the groups;
  one-cycle as fastai's \`fit_one_cycle\` (cosine warm-up from lr/div over pct_start, cosine down to
  lr/div_final, momentum 0.95 -> 0.85 -> 0.95). Losses: ${manifest.task === 'multi' ? 'BCE on logits' : manifest.task === 'points' ? 'MSE on [-1, 1] coordinates' : 'cross-entropy'}.
- **notebook.ipynb**: the same in fastai v2 (DataBlock, vision_learner / unet_learner, lr_find, the fits).

Tested with ${TESTED_WITH}.
`;
}
