/**
 * `notebook.ipynb`: the studio's notebook as fastai v2 code (DataBlock, vision_learner /
 * unet_learner, lr_find, the recorded fits), for people who live in fastai. It is written, not
 * run, here; a test checks that it is valid nbformat 4 JSON and that every code cell parses.
 */
import { sidesOf, type SizeSpec } from '../../data/sizeSpec';
import type { DataBlockSpec, ItemsSpec, LabelSpec, SplitSpec } from '../../data/types';
import type { StudioManifest } from '../../project/manifest';
import type { TrainingPlan } from './plan';

/** One notebook cell, nbformat 4. */
interface NotebookCell {
  readonly cell_type: 'markdown' | 'code';
  readonly metadata: Record<string, never>;
  readonly source: string[];
  readonly outputs?: never[];
  readonly execution_count?: null;
}

/** A Python string literal (JSON's escaping is valid Python for these texts). */
const py = (s: string) => JSON.stringify(s);
const pyBool = (b: boolean) => (b ? 'True' : 'False');

const lines = (text: string) => text.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
const code = (text: string): NotebookCell => ({ cell_type: 'code', metadata: {}, source: lines(text), outputs: [], execution_count: null });
const markdown = (text: string): NotebookCell => ({ cell_type: 'markdown', metadata: {}, source: lines(text) });

/** fastai's size argument: an int, or (height, width). */
function sizeArg(size: SizeSpec): string {
  const { height, width } = sidesOf(size);
  return height === width ? `${height}` : `(${height}, ${width})`;
}

function blocks(manifest: StudioManifest): string {
  switch (manifest.task) {
    case 'single':
      return '(ImageBlock, CategoryBlock)';
    case 'multi':
      return '(ImageBlock, MultiCategoryBlock)';
    case 'segmentation':
      return '(ImageBlock, MaskBlock(codes))';
    case 'points':
      return '(ImageBlock, PointBlock)';
  }
}

/** get_items / get_x for the items step. */
function itemsArgs(items: ItemsSpec): string[] {
  if (items.kind === 'folder') return [items.folder ? `get_items=lambda p: get_image_files(p/${py(items.folder)})` : 'get_items=get_image_files'];
  const pref = items.folder ? `path/${py(items.folder)}` : 'path';
  return [`get_x=ColReader(${py(items.fileColumn)}, pref=str(${pref}) + '/', suff=${py(items.suffix ?? '')})`];
}

/** get_y for the label step (a helper function for masks and points). */
function labelArgs(label: LabelSpec): string[] {
  switch (label.kind) {
    case 'parentFolder':
      return ['get_y=parent_label'];
    case 'regex':
      return [`get_y=using_attr(RegexLabeller(${py(label.pattern)}), 'name')`];
    case 'csvColumn':
      return [label.separator ? `get_y=ColReader(${py(label.column)}, label_delim=${py(label.separator)})` : `get_y=ColReader(${py(label.column)})`];
    case 'mask':
      return ['get_y=mask_of'];
    case 'points':
      return ['get_y=point_of'];
  }
}

function helpers(spec: DataBlockSpec): string {
  const label = spec.label;
  if (label.kind === 'mask') {
    return [
      `codes = [c.strip() for c in (path/${py(label.codesPath)}).read_text().splitlines() if c.strip()]`,
      '',
      'def mask_of(o):',
      `    "The studio's mask template ${label.template.replace(/"/g, "'")}: {dir}, {name}, {ext}; without {dir}, beside the image folder."`,
      `    t = ${py(label.template)}`,
      "    name = t.replace('{dir}', str(o.parent)).replace('{name}', o.stem).replace('{ext}', o.suffix.lower())",
      "    return Path(name) if '{dir}' in t else o.parent.parent/name",
    ].join('\n');
  }
  if (label.kind === 'points') {
    return ['def point_of(row):', '    "The point in the CSV row, in source pixels (fastai scales it to [-1, 1])."', `    return tensor([[float(row[${py(label.xColumn)}]), float(row[${py(label.yColumn)}])]])`].join(
      '\n',
    );
  }
  return '';
}

function splitter(split: SplitSpec): string {
  switch (split.kind) {
    case 'folder':
      return `splitter=GrandparentSplitter(train_name=${py(split.train)}, valid_name=${py(split.valid)})`;
    case 'random':
      return `splitter=RandomSplitter(valid_pct=${split.validPct}, seed=${split.seed})`;
    case 'csvColumn':
      return `splitter=ColSplitter(${py(split.column)})`;
  }
}

const RESIZE: Record<string, string> = { crop: 'ResizeMethod.Crop', squish: 'ResizeMethod.Squish', pad: 'ResizeMethod.Pad' };

function dataCell(manifest: StudioManifest): string {
  const { spec } = manifest;
  const t = spec.transforms;
  const stats = `Normalize.from_stats(${JSON.stringify(manifest.normalize.mean)}, ${JSON.stringify(manifest.normalize.std)})`;
  const source = spec.items.kind === 'csv' ? `pd.read_csv(path/${py(spec.items.csvPath)})` : 'path';
  return [
    'def dls_at(size, bs=' + spec.batch.batchSize + '):',
    '    "The data block at one picture size (progressive resizing makes it again at the next)."',
    '    dblock = DataBlock(',
    `        blocks=${blocks(manifest)},`,
    ...[...itemsArgs(spec.items), ...labelArgs(spec.label), splitter(spec.split)].map((a) => `        ${a},`),
    `        item_tfms=Resize(size, method=${RESIZE[t.resize]}, pad_mode=PadMode.Zeros),`,
    `        batch_tfms=[*aug_transforms(do_flip=${pyBool(t.flip)}, flip_vert=${pyBool(t.flipVert)}, max_rotate=${t.maxRotate}, max_zoom=${t.maxZoom}, max_lighting=${t.maxLighting}, max_warp=${t.maxWarp}, p_affine=${t.pAffine}, p_lighting=${t.pLighting}), ${stats}])`,
    `    return dblock.dataloaders(${source}, bs=bs)`,
    '',
    `dls = dls_at(${sizeArg(t.size)})`,
    'dls.show_batch(max_n=9)',
  ].join('\n');
}

function metricsOf(manifest: StudioManifest, plan: TrainingPlan): string {
  switch (manifest.task) {
    case 'single':
      return '[error_rate, accuracy]';
    case 'multi':
      return `[partial(accuracy_multi, thresh=${plan.threshold}), FBetaMulti(${plan.beta}, thresh=${plan.threshold}, average='samples')]`;
    case 'segmentation':
      return '[DiceMulti(), JaccardCoeffMulti()]';
    case 'points':
      return '[]';
  }
}

/** fastai's learner closest to the studio's architecture (MobileNetV2 comes from timm). */
function learnerCell(manifest: StudioManifest, plan: TrainingPlan): string {
  const arch = manifest.arch;
  const common = `metrics=${metricsOf(manifest, plan)}, wd=${plan.wd}`;
  const pretrained = arch.name === 'pretrained' || (arch.name === 'unet' && arch.encoder === 'pretrained');
  const body = pretrained ? "'mobilenetv2_100'" : arch.name === 'xresnet' || arch.encoder === 'xresnet' ? 'xresnet18' : 'resnet18';
  if (manifest.task === 'segmentation') return `learn = unet_learner(dls, ${body}, pretrained=${pyBool(pretrained)}, ${common})`;
  const yRange = manifest.task === 'points' ? ', y_range=(-1, 1)' : '';
  if (pretrained) return `learn = vision_learner(dls, ${body}, ${common}${yRange})`;
  return `learn = vision_learner(dls, ${body}, pretrained=False, n_out=${manifest.task === 'points' ? 2 : manifest.classes.length}, ${common}${yRange})`;
}

/** The studio's own model and weights as a fastai Learner: the same layers and layer groups. */
function studioLearnerCell(manifest: StudioManifest, plan: TrainingPlan): string {
  const loss = { single: 'CrossEntropyLossFlat()', multi: 'BCEWithLogitsLossFlat()', segmentation: 'CrossEntropyLossFlat(axis=1)', points: 'MSELossFlat()' }[manifest.task];
  return [
    "# Or the studio's exact network and weights (weights/), with its layer groups as the splitter:",
    'from studio_model import load_studio_model',
    'from studio_fit import layer_groups',
    "studio_model = load_studio_model('weights')",
    "studio_groups = [[p for p, _, _ in g] for g in layer_groups(studio_model, json.load(open('weights/studio.json'))['layerGroups'])]",
    `# learn = Learner(dls, studio_model, loss_func=${loss}, splitter=lambda m: studio_groups, metrics=${metricsOf(manifest, plan)}, wd=${plan.wd})`,
  ].join('\n');
}

function runCells(manifest: StudioManifest, plan: TrainingPlan): NotebookCell[] {
  const cells: NotebookCell[] = [];
  let size: SizeSpec = manifest.spec.transforms.size;
  let frozen: boolean | null = null;
  for (const run of plan.runs) {
    const steps: string[] = [];
    if (JSON.stringify(run.size) !== JSON.stringify(size)) {
      steps.push(`learn.dls = dls_at(${sizeArg(run.size)})  # progressive resizing: the same learner on bigger pictures`);
      size = run.size;
    }
    if (run.frozen !== frozen) steps.push(run.frozen ? 'learn.freeze()' : 'learn.unfreeze()');
    frozen = run.frozen;
    steps.push(`learn.${run.call}`);
    cells.push(code(steps.join('\n')));
  }
  return cells;
}

/**
 * The notebook as nbformat 4 JSON text.
 * @example JSON.parse(fastaiNotebook(manifest, plan)).cells.length // 9 for one recorded fit
 */
export function fastaiNotebook(manifest: StudioManifest, plan: TrainingPlan): string {
  const extra = helpers(manifest.spec);
  const cells: NotebookCell[] = [
    markdown(
      `# ${manifest.task} model, from the image studio\n\nThe studio's notebook as fastai v2 code: the same data block, the closest fastai learner, the same fits. \`train.py\` beside it runs the studio's exact network in plain PyTorch.`,
    ),
    code("from fastai.vision.all import *\nimport json\n\npath = Path('data')  # the folder the studio read"),
    ...(extra ? [code(extra)] : []),
    code(dataCell(manifest)),
    code(learnerCell(manifest, plan)),
    code(studioLearnerCell(manifest, plan)),
    code('learn.lr_find()'),
    ...runCells(manifest, plan),
    code("learn.export('export.pkl')"),
  ];
  const notebook = {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    // 4.4, not 4.5: cells then need no ids.
    nbformat_minor: 4,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
