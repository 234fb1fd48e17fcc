"""Batch augmentation as the studio's (src/core/transforms), which follows fastai's aug_transforms.

One projective matrix per picture maps OUTPUT unit coordinates (-1..1, pixel edges) to INPUT
ones: warp . flip . rotate . zoom, each part drawn with fastai's probabilities and ranges; the
picture is resampled bilinearly with reflection, a mask with nearest neighbour, and a point
moves with the inverse matrix. Lighting (brightness and contrast on logit(x)) follows. Pictures
arrive as uint8 [B, 3, H, W] and leave normalized float32.
"""
import math
import random

import torch
import torch.nn.functional as F


def _dihedral(k):
    sx, sy, t = (-1 if k & 1 else 1), (-1 if k & 2 else 1), (1 if k & 4 else 0)
    return torch.tensor([[sx * (1 - t), sx * t, 0], [sy * t, sy * (1 - t), 0], [0, 0, 1]], dtype=torch.float64)


def _rotate(degrees):
    a = math.radians(degrees)
    return torch.tensor([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]], dtype=torch.float64)


def _zoom(z, col, row):
    s = 1 / z
    return torch.tensor([[s, 0, (1 - s) * (2 * col - 1)], [0, s, (1 - s) * (2 * row - 1)], [0, 0, 1]], dtype=torch.float64)


def _homography(src, dst):
    """The 3x3 matrix taking the 4 points `src` to `dst` (solved with h33 = 1)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = torch.linalg.solve(torch.tensor(rows, dtype=torch.float64), torch.tensor(rhs, dtype=torch.float64))
    return torch.cat([h, torch.ones(1, dtype=torch.float64)]).view(3, 3)


def _warp(dx, dy):
    corners = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    targets = [(-1 - dy, -1 - dx), (-1 + dy, 1 + dx), (1 + dy, -1 + dx), (1 - dy, 1 - dx)]
    return _homography(corners, targets)


def draw_matrix(t, rng=random):
    """One picture's output -> input matrix, drawing as the studio's drawAffine."""
    eye = torch.eye(3, dtype=torch.float64)
    flip = _dihedral(math.floor(rng.random() * 8)) if t['flipVert'] else (_dihedral(1) if t['flip'] and rng.random() < 0.5 else eye)
    warp = rotate = zoom = eye
    if t['maxWarp'] > 0 and rng.random() < t['pAffine']:
        warp = _warp(rng.uniform(-t['maxWarp'], t['maxWarp']), rng.uniform(-t['maxWarp'], t['maxWarp']))
    if t['maxRotate'] > 0 and rng.random() < t['pAffine']:
        rotate = _rotate(rng.uniform(-t['maxRotate'], t['maxRotate']))
    if t['maxZoom'] > 1 and rng.random() < t['pAffine']:
        zoom = _zoom(rng.uniform(1, t['maxZoom']), rng.random(), rng.random())
    return warp @ flip @ rotate @ zoom


def _grid(mats, h, w, device):
    """Sampling grid [B, H, W, 2] of the output pixel centres pushed through each matrix."""
    ys = (torch.arange(h, device=device, dtype=torch.float32) * 2 + 1) / h - 1
    xs = (torch.arange(w, device=device, dtype=torch.float32) * 2 + 1) / w - 1
    gy, gx = torch.meshgrid(ys, xs, indexing='ij')
    pts = torch.stack([gx, gy, torch.ones_like(gx)], -1).view(1, -1, 3)
    moved = pts @ mats.to(device=device, dtype=torch.float32).transpose(1, 2)
    return (moved[..., :2] / moved[..., 2:]).view(len(mats), h, w, 2)


def _lighting(x, t, rng=random):
    """fastai's Brightness and Contrast on logit(x), each applied with probability pLighting."""
    big_l = min(t['maxLighting'], 0.99)
    if big_l <= 0 or t['pLighting'] <= 0:
        return x
    n = x.shape[0]
    shift, scale = torch.zeros(n), torch.ones(n)
    for b in range(n):
        if rng.random() < t['pLighting']:
            c = rng.uniform(0.5 * (1 - big_l), 0.5 * (1 + big_l))
            shift[b] = math.log(c / (1 - c))
        if rng.random() < t['pLighting']:
            scale[b] = math.exp(rng.uniform(math.log(1 - big_l), -math.log(1 - big_l)))
    eps = 1e-6
    logits = torch.logit(x.clamp(eps, 1 - eps))
    return torch.sigmoid((logits + shift.to(x.device).view(-1, 1, 1, 1)) * scale.to(x.device).view(-1, 1, 1, 1))


def augment(x, y, task, t, rng=random):
    """A training batch augmented: x float [B, 3, H, W] in 0..1; y moves with it for masks and points."""
    mats = torch.stack([draw_matrix(t, rng) for _ in range(x.shape[0])])
    if not torch.allclose(mats, torch.eye(3, dtype=torch.float64).expand_as(mats)):
        grid = _grid(mats, x.shape[2], x.shape[3], x.device)
        x = F.grid_sample(x, grid, mode='bilinear', padding_mode='reflection', align_corners=False)
        if task == 'segmentation':
            m = F.grid_sample(y.unsqueeze(1).float(), grid, mode='nearest', padding_mode='reflection', align_corners=False)
            y = m.squeeze(1).round().long()
        elif task == 'points':
            inv = torch.linalg.inv(mats).to(device=y.device, dtype=torch.float32)
            hom = torch.cat([y, torch.ones_like(y[:, :1])], 1).unsqueeze(-1)
            moved = (inv @ hom).squeeze(-1)
            y = moved[:, :2] / moved[:, 2:]
    return _lighting(x, t, rng), y


def normalize(x, stats):
    """(x - mean) / std per channel, with the statistics studio.json records."""
    mean = torch.tensor(stats['mean'], device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(stats['std'], device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def prepare_batch(x, y, task, transforms, stats, train):
    """uint8 pictures -> augmented (training only) and normalized float32, as the studio's collate."""
    x = x.float() / 255
    if train:
        x, y = augment(x, y, task, transforms)
    return normalize(x, stats), y
