"""Training as the studio (and fastai) trains: losses and metrics per task, AdamW over layer
groups without weight decay on batch norm and biases, freeze/unfreeze with batch norm still
training, discriminative rates and the one-cycle schedule with fastai's formulas.
"""
import math

import torch
import torch.nn.functional as F

# fastai's fit_one_cycle defaults (callback/schedule.py) and Adam defaults (optimizer.py).
ONE_CYCLE = {'pctStart': 0.25, 'div': 25.0, 'divFinal': 1e5, 'moms': [0.95, 0.85, 0.95]}
ADAM = {'sqr_mom': 0.99, 'eps': 1e-5}


def sched_cos(start, end, pos):
    """start + (1 + cos(pi (1 - pos))) (end - start) / 2."""
    return start + (1 + math.cos(math.pi * (1 - pos))) * (end - start) / 2


def combined_cos(pct, start, middle, end, pos):
    """Cosine start -> middle over the first `pct` of training, then middle -> end."""
    if pos < pct:
        return sched_cos(start, middle, pos / pct)
    return sched_cos(middle, end, 1.0 if pct >= 1 else (pos - pct) / (1 - pct))


def spread_lrs(lr, n_groups):
    """A rate for each layer group: one value for all, or [lo, hi] geometric from the first to the head."""
    if not isinstance(lr, (list, tuple)):
        return [float(lr)] * n_groups
    lo, hi = lr
    if n_groups == 1:
        return [hi]
    step = (hi / lo) ** (1 / (n_groups - 1))
    return [lo * step ** i if i < n_groups - 1 else hi for i in range(n_groups)]


def loss_fn(task):
    """fastai's flat losses: cross-entropy (classes, pixels), BCE on logits (tags), MSE (points)."""
    if task in ('single', 'segmentation'):
        return lambda out, y: F.cross_entropy(out, y)
    if task == 'multi':
        return lambda out, y: F.binary_cross_entropy_with_logits(out, y)
    return lambda out, y: F.mse_loss(out, y)


class Metrics:
    """The studio's metrics for a task, accumulated over a whole validation set."""

    def __init__(self, task, num_classes, void_index, size, thresh=0.2, beta=2.0):
        self.task, self.n, self.void, self.size, self.thresh, self.beta = task, num_classes, void_index, size, thresh, beta
        self.names = {'single': ['error_rate', 'accuracy'], 'multi': ['accuracy_thresh', 'fbeta'],
                      'points': ['pixel_error'],
                      'segmentation': ['pixel_accuracy' if void_index < 0 else 'acc_no_void', 'dice', 'mean_iou']}[task]
        self.sums = None

    def add(self, out, y):
        # Counted on the CPU: the sums mix tensors with plain counts, and are tiny.
        stats = self._stats(out.detach().float().cpu(), y.cpu())
        self.sums = stats if self.sums is None else self.sums + stats

    def _stats(self, out, y):
        if self.task == 'single':
            return torch.stack([(out.argmax(1) == y).sum().float(), torch.tensor(float(len(y)))])
        if self.task == 'multi':
            p = (torch.sigmoid(out) > self.thresh).float()
            tp = (p * y).sum(1)
            prec, rec = _div(tp, p.sum(1)), _div(tp, y.sum(1))
            b2 = self.beta ** 2
            f = _div((1 + b2) * prec * rec, b2 * prec + rec)
            return torch.stack([(p == y).float().sum(), torch.tensor(float(y.numel())), f.sum(), torch.tensor(float(len(y)))])
        if self.task == 'points':
            # Points span [-1, 1] on each axis: x counts width / 2 pixels a unit, y height / 2.
            h, w = self.size
            scale = torch.tensor([w / 2, h / 2])
            return torch.stack([((out - y) * scale).pow(2).sum(1).sqrt().sum(), torch.tensor(float(len(y)))])
        keep = (y != self.void).float() if self.void >= 0 else torch.ones_like(y, dtype=torch.float32)
        pred = out.argmax(1)
        p = F.one_hot(pred, self.n).float() * keep.unsqueeze(-1)
        t = F.one_hot(y, self.n).float() * keep.unsqueeze(-1)
        return torch.cat([torch.stack([((pred == y).float() * keep).sum(), keep.sum()]), (p * t).sum((0, 1, 2)), (p + t).sum((0, 1, 2))])

    def values(self):
        s = self.sums.tolist()
        if self.task == 'single':
            acc = s[0] / max(s[1], 1)
            return {'error_rate': 1 - acc, 'accuracy': acc}
        if self.task == 'multi':
            return {'accuracy_thresh': s[0] / max(s[1], 1), 'fbeta': s[2] / max(s[3], 1)}
        if self.task == 'points':
            return {'pixel_error': s[0] / max(s[1], 1)}
        inter, total = s[2:2 + self.n], s[2 + self.n:]
        present = [c for c in range(self.n) if c != self.void and total[c] > 0]
        mean = lambda f: sum(f(inter[c], total[c]) for c in present) / len(present) if present else 0.0
        return {self.names[0]: s[0] / max(s[1], 1), 'dice': mean(lambda i, t: 2 * i / t),
                'mean_iou': mean(lambda i, t: i / (t - i) if t > i else 0.0)}


def _div(a, b):
    return torch.where(b > 0, a / b.clamp(min=1e-12), torch.zeros_like(a))


def layer_groups(model, group_names):
    """The model's parameters by layer group (studio.json's layerGroups), as (params, is_bn_or_bias)."""
    groups = []
    seen = set()
    for names in group_names:
        params = []
        for name in names:
            if name in model.frozen_layers or name.replace('.', '__') not in model.layers:
                continue
            module = model.named_layer(name)
            is_bn = type(module).__name__ == 'BatchNormalization'
            for pname, p in module.named_parameters():
                if p.numel() and id(p) not in seen:
                    seen.add(id(p))
                    params.append((p, is_bn or pname == 'bias', is_bn))
        groups.append(params)
    # A layer with weights that no group names (a model edited by hand) trains with the first group rather than never.
    for name, module in model.layers.items():
        for pname, p in module.named_parameters():
            if p.numel() and id(p) not in seen and name.replace('__', '.') not in model.frozen_layers:
                seen.add(id(p))
                is_bn = type(module).__name__ == 'BatchNormalization'
                groups[0].append((p, is_bn or pname == 'bias', is_bn))
    return groups


def make_optimizer(groups, wd):
    """AdamW (decoupled weight decay, as fastai's Adam(decouple_wd=True)): two torch groups per layer
    group, with and without weight decay (fastai's wd_bn_bias=False)."""
    param_groups = []
    for i, params in enumerate(groups):
        for no_wd in (False, True):
            ps = [p for p, nwd, _ in params if nwd == no_wd]
            if ps:
                param_groups.append({'params': ps, 'weight_decay': 0.0 if no_wd else wd, 'layer_group': i})
    return torch.optim.AdamW(param_groups, lr=1e-3, betas=(0.9, ADAM['sqr_mom']), eps=ADAM['eps'])


def set_frozen(groups, frozen):
    """freeze(): every group but the last stops training, except batch norm (fastai's train_bn)."""
    for i, params in enumerate(groups):
        for p, _, is_bn in params:
            p.requires_grad_(not frozen or i == len(groups) - 1 or is_bn)


def set_hypers(opt, lrs, mom):
    for g in opt.param_groups:
        g['lr'] = lrs[g['layer_group']]
        g['betas'] = (mom, ADAM['sqr_mom'])


def cycle_at(run, lr_maxes, pos):
    """The rates of every group and the momentum at `pos` in [0, 1] of a run: one-cycle or constant."""
    if not run.get('oneCycle', True):
        return lr_maxes, 0.9
    c = dict(ONE_CYCLE, **(run.get('cycle') or {}))
    lrs = [combined_cos(c['pctStart'], lr / c['div'], lr, lr / c['divFinal'], pos) for lr in lr_maxes]
    m = c['moms']
    return lrs, combined_cos(c['pctStart'], m[0], m[1], m[2], pos)
