"""Trains the studio's notebook in PyTorch: the same data block, model, optimizer and runs.

    python3 train.py --data DIR --out DIR [--epochs N] [--lr X | --lr LO,HI] [--bs B]
                     [--size S | --size HxW] [--device cpu|cuda] [--amp bf16|fp16] [--resume]
    torchrun --nproc_per_node N train.py ...   (DistributedDataParallel: gloo on CPU, NCCL on GPU)

Prints fastai's epoch table for every run and ends with one JSON line of the final metrics.
Writes model.json + weights.bin + studio.json into --out: the studio's "Import project" loads them.
No network access: the weights come from weights/ beside this file (see README.md).
"""
import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timezone

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from studio_augment import prepare_batch  # noqa: E402
from studio_data import build_datasets, sides  # noqa: E402
from studio_fit import Metrics, cycle_at, layer_groups, loss_fn, make_optimizer, set_frozen, set_hypers, spread_lrs  # noqa: E402
from studio_layers import keras_init  # noqa: E402
from studio_model import load_studio_model, save_tfjs  # noqa: E402
from studio_table import EpochTable  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True, help='the folder the studio read (same relative paths)')
    p.add_argument('--out', default='out', help='where model.json, weights.bin and studio.json go')
    p.add_argument('--epochs', type=int, help="every run's epochs (default: as recorded in plan.json)")
    p.add_argument('--lr', help="every run's max rate: X, or LO,HI for a slice (a recorded slice keeps its spread)")
    p.add_argument('--bs', type=int, help='batch size per process (default: the data block\'s)')
    p.add_argument('--size', help='picture size: S or HxW (default: each run\'s)')
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--amp', choices=['bf16', 'fp16'], help="mixed precision (fastai's to_fp16); fp16 needs CUDA")
    p.add_argument('--resume', action='store_true', help='start from the weights (all of them), not from a fresh model')
    p.add_argument('--weights', default=os.path.join(HERE, 'weights'), help='bundle to start from (default weights/)')
    p.add_argument('--plan', default=os.path.join(HERE, 'plan.json'), help='the recorded runs')
    p.add_argument('--lr-scale', choices=['linear', 'none'], default='linear', help='rates x number of processes (default) or as given')
    p.add_argument('--workers', type=int, default=0, help='DataLoader worker processes')
    return p.parse_args(argv)


def parse_size(text):
    if text is None:
        return None
    parts = [int(v) for v in text.lower().replace('x', ',').split(',')]
    return parts[0] if len(parts) == 1 else parts


def parse_lr(text):
    if text is None:
        return None
    parts = [float(v) for v in text.split(',')]
    return parts[0] if len(parts) == 1 else parts


def runs_with_overrides(plan, args):
    """plan.json's runs with --epochs, --lr and --size applied to each."""
    runs, lr, size = [], parse_lr(args.lr), parse_size(args.size)
    for run in plan['runs']:
        run = dict(run)
        if args.epochs is not None:
            run['epochs'] = args.epochs
        if lr is not None:
            # A slice given stays a slice; one rate on a recorded slice keeps the slice's spread.
            run['lr'] = lr if isinstance(lr, list) or not isinstance(run['lr'], list) else [lr * run['lr'][0] / run['lr'][1], lr]
        if size is not None:
            run['size'] = size
        runs.append(run)
    return runs


def fresh_layers(model, manifest, plan):
    """Without --resume: a pretrained body keeps its weights and gets a new head, as cnn_learner;
    a model from scratch starts from new weights everywhere."""
    groups = manifest['layerGroups']
    names = groups[-1] if plan.get('pretrainedBody') else [n for g in groups for n in g]
    configs = {layer['name']: layer['config'] for layer in model.layer_configs}
    for name in names:
        if name not in model.frozen_layers and name in configs:
            keras_init(model.named_layer(name), configs[name])


class Distributed:
    """torchrun's environment: rank, world size, device; a single process without it."""

    def __init__(self, device):
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.rank = int(os.environ.get('RANK', '0'))
        local = int(os.environ.get('LOCAL_RANK', '0'))
        self.device = torch.device(f'cuda:{local}' if device == 'cuda' else 'cpu')
        if device == 'cuda':
            torch.cuda.set_device(self.device)
        if self.world > 1:
            dist.init_process_group('nccl' if device == 'cuda' else 'gloo')

    def mean(self, value):
        if self.world == 1:
            return value
        # NCCL reduces only tensors on the GPU; gloo takes them on the CPU.
        t = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return float(t[0]) / self.world

    def wrap(self, model):
        """A DistributedDataParallel view of the trainable parameters (built again after freeze/unfreeze)."""
        if self.world == 1:
            return model
        ids = [self.device.index] if self.device.type == 'cuda' else None
        return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)


def loaders(data, spec, manifest, size, bs, dd, workers):
    train_ds, valid_ds = build_datasets(data, spec, manifest, size)
    sampler = torch.utils.data.distributed.DistributedSampler(train_ds, dd.world, dd.rank, shuffle=True, seed=spec['batch']['seed']) if dd.world > 1 else None
    per_rank = len(train_ds) // dd.world
    # As the studio: the last training batch is dropped only when it would hold one picture (batch norm cannot train on one).
    train = torch.utils.data.DataLoader(train_ds, bs, shuffle=sampler is None, sampler=sampler, num_workers=workers, drop_last=per_rank % bs == 1)
    valid = torch.utils.data.DataLoader(valid_ds, bs * 2, shuffle=False, num_workers=workers)
    return train, valid, sampler


def validate(model, valid, ctx):
    """Mean validation loss per picture and the task's metrics."""
    model.eval()
    metrics, total, count = Metrics(**ctx['metric_args']), 0.0, 0
    with torch.no_grad(), ctx['autocast']():
        for x, y in valid:
            x, y = prepare_batch(x.to(ctx['device']), y.to(ctx['device']), ctx['task'], ctx['transforms'], ctx['stats'], False)
            out = model(x).float()
            total += float(ctx['loss'](out, y)) * len(x)
            count += len(x)
            metrics.add(out, y)
    return total / max(count, 1), metrics.values()


def fit_run(model, groups, run, ctx, dd, fit_index, table):
    """One run: freeze state, fresh AdamW (as a new fastai fit), the schedule batch by batch, a row per epoch."""
    set_frozen(groups, run['frozen'])
    scale = dd.world if ctx['lr_scale'] == 'linear' else 1
    lr_maxes = [lr * scale for lr in spread_lrs(run['lr'], len(groups))]
    opt = make_optimizer(groups, ctx['wd'])
    train, valid, sampler = loaders(ctx['data'], ctx['spec'], ctx['manifest'], run['size'], ctx['bs'], dd, ctx['workers'])
    size = sides(run['size'])
    ctx['metric_args']['size'] = size
    net = dd.wrap(model)
    total, it, smooth, count, records = max(run['epochs'] * len(train), 1), 0, 0.0, 0, []
    scaler = torch.cuda.amp.GradScaler() if ctx['amp'] == 'fp16' else None
    table.header()
    for epoch in range(run['epochs']):
        start = time.time()
        if sampler:
            sampler.set_epoch(epoch)
        net.train()
        for x, y in train:
            lrs, mom = cycle_at(run, lr_maxes, it / total)
            set_hypers(opt, lrs, mom)
            x, y = prepare_batch(x.to(ctx['device']), y.to(ctx['device']), ctx['task'], ctx['transforms'], ctx['stats'], True)
            with ctx['autocast']():
                loss = ctx['loss'](net(x).float(), y)
            opt.zero_grad(set_to_none=True)
            (scaler.scale(loss) if scaler else loss).backward()
            scaler.step(opt) if scaler else opt.step()
            if scaler:
                scaler.update()
            # fastai's AvgSmoothLoss: an exponential average (beta 0.98) with debiasing.
            count += 1
            smooth = smooth * 0.98 + dd.mean(float(loss)) * 0.02
            it += 1
        valid_loss, metrics = validate(model, valid, ctx)
        rec = {'fit': fit_index, 'epoch': epoch, 'trainLoss': smooth / (1 - 0.98 ** count), 'validLoss': valid_loss, 'metrics': metrics, 'seconds': time.time() - start}
        records.append(rec)
        table.row(rec)
    return records


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_outputs(model, manifest, history, runs, args, out):
    save_tfjs(model, out)
    last = runs[-1]
    h, w = sides(last['size'])
    spec = dict(manifest['spec'])
    spec['transforms'] = dict(spec['transforms'], size=last['size'])
    if args.bs:
        spec['batch'] = dict(spec['batch'], batchSize=args.bs)
    studio = dict(manifest, spec=spec, history=history, metrics=history[-1]['metrics'] if history else {}, inputSize=h if h == w else [h, w],
                  createdAt=datetime.now(timezone.utc).isoformat().replace('+00:00', 'Z'))
    with open(os.path.join(out, 'studio.json'), 'w') as f:
        json.dump(studio, f, indent=2, allow_nan=False, default=str)


def make_context(args, dd, manifest, plan):
    """Everything a run reads: data, spec, device, loss, metrics, optimizer settings, precision."""
    spec, task = manifest['spec'], manifest['task']
    if args.amp == 'fp16' and dd.device.type != 'cuda':
        sys.exit('--amp fp16 needs a CUDA device; on the CPU use --amp bf16')
    amp_dtype = {'bf16': torch.bfloat16, 'fp16': torch.float16}.get(args.amp)
    return {'data': args.data, 'spec': spec, 'manifest': manifest, 'device': dd.device, 'task': task,
            'transforms': spec['transforms'], 'stats': manifest['normalize'], 'loss': loss_fn(task),
            'wd': plan.get('wd', 0.01), 'bs': args.bs or spec['batch']['batchSize'], 'workers': args.workers,
            'lr_scale': args.lr_scale, 'amp': args.amp,
            'autocast': lambda: torch.autocast(dd.device.type, dtype=amp_dtype, enabled=amp_dtype is not None),
            'metric_args': {'task': task, 'num_classes': len(manifest['classes']), 'void_index': manifest['voidIndex'], 'size': (0, 0),
                            'thresh': plan.get('threshold', 0.2), 'beta': plan.get('beta', 2.0)}}


def starting_metrics(model, run, ctx, dd):
    """The loaded weights scored on the validation set at the first run's size, before any training."""
    ctx['metric_args']['size'] = sides(run['size'])
    _, valid, _ = loaders(ctx['data'], ctx['spec'], ctx['manifest'], run['size'], ctx['bs'], dd, ctx['workers'])
    loss, metrics = validate(model, valid, ctx)
    return dict(valid_loss=loss, **metrics)


def main(argv=None):
    args = parse_args(argv)
    dd = Distributed(args.device)
    manifest, plan = read_json(os.path.join(args.weights, 'studio.json')), read_json(args.plan)
    seed = manifest['spec']['batch']['seed']
    # Augmentation draws differ per process; the initial weights do not (DDP also broadcasts rank 0's).
    random.seed(seed + dd.rank)
    np.random.seed(seed + dd.rank)
    torch.manual_seed(seed)
    model = load_studio_model(args.weights)
    if not args.resume:
        fresh_layers(model, manifest, plan)
    model.to(dd.device)
    ctx, runs = make_context(args, dd, manifest, plan), runs_with_overrides(plan, args)
    groups = layer_groups(model, manifest['layerGroups'])
    table = EpochTable(Metrics(**ctx['metric_args']).names, print if dd.rank == 0 else (lambda line: None))
    started, history = time.time(), list(manifest['history']) if args.resume else []
    start = starting_metrics(model, runs[0], ctx, dd) if args.resume else None
    first_fit = max([r['fit'] for r in history], default=-1) + 1
    for i, run in enumerate(runs):
        history += fit_run(model, groups, run, ctx, dd, first_fit + i, table)
    if dd.rank == 0:
        os.makedirs(args.out, exist_ok=True)
        write_outputs(model, manifest, history, runs, args, args.out)
        last = history[-1]
        final = dict(epochs=sum(r['epochs'] for r in runs), train_loss=last['trainLoss'], valid_loss=last['validLoss'], **last['metrics'])
        final.update(seconds=round(time.time() - started, 2), processes=dd.world, device=dd.device.type)
        if start:
            final['start'] = start
        print(json.dumps(final))
    if dd.world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
