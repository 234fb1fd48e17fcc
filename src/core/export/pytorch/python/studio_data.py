"""The studio's data block (studio.json's "spec") in PyTorch: items, labels, split, resize.

Each step follows the studio's (src/core/data): items sorted by path, the same label rules, the
random split drawn with the same generator (mulberry32) from the same seed, so the same files
land in the validation set as in the browser. Class order comes from studio.json, so output
index i means what it meant in the studio. Augmentation and normalization act on batches, in
studio_augment.py.
"""
import csv
import math
import os
import random
import re

import numpy as np
import torch
from PIL import Image

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif')


def mulberry32(seed):
    """The studio's seeded generator (src/core/data/random.ts), integer arithmetic only."""
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def rng():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return rng


def shuffled(values, rng):
    """Fisher-Yates on a copy, drawing as the studio's `shuffled` does."""
    out = list(values)
    for i in range(len(out) - 1, 0, -1):
        j = math.floor(rng() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def list_files(root):
    """Every file under `root` as a forward-slash relative path."""
    found = []
    for folder, _, names in os.walk(root):
        for n in names:
            found.append(os.path.relpath(os.path.join(folder, n), root).replace(os.sep, '/'))
    return sorted(found)


def is_image(path):
    return os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS


def collect_items(spec, root):
    """[(path, csv row or None)] sorted by path, as the studio's items step."""
    if spec['kind'] == 'folder':
        prefix = (spec.get('folder') or '').strip('/')
        prefix = prefix + '/' if prefix else ''
        return [(p, None) for p in list_files(root) if p.startswith(prefix) and is_image(p) and os.path.getsize(os.path.join(root, p)) > 0]
    with open(os.path.join(root, spec['csvPath']), newline='', encoding='utf-8-sig') as f:
        rows = list(csv.DictReader(f))
    items, seen = [], set()
    for row in rows:
        name = row.get(spec['fileColumn'], '')
        path = '/'.join(p for p in [(spec.get('folder') or '').strip('/'), name + (spec.get('suffix') or '')] if p)
        if name and path not in seen and os.path.isfile(os.path.join(root, path)):
            seen.add(path)
            items.append((path, row))
    return sorted(items, key=lambda it: it[0])


def mask_path_for(template, image_path):
    """The studio's mask template: {dir}, {name}, {ext}; without {dir}, relative to the image folder's parent."""
    folder = os.path.dirname(image_path)
    stem, ext = os.path.splitext(os.path.basename(image_path))
    filled = template.replace('{dir}', folder).replace('{name}', stem).replace('{ext}', ext.lower())
    base = '' if '{dir}' in template else os.path.dirname(folder)
    return '/'.join(p for p in [base, filled] if p).replace('//', '/')


def label_items(spec, items, classes):
    """[(path, label)]: a class id, a list of ids, a mask path or an (x, y) point."""
    index = {c: i for i, c in enumerate(classes)}
    out = []
    for path, row in items:
        kind = spec['kind']
        if kind == 'parentFolder':
            label = index.get(os.path.basename(os.path.dirname(path)))
        elif kind == 'regex':
            m = re.search(spec['pattern'], os.path.basename(path))
            label = index.get(m.group(1)) if m else None
        elif kind == 'csvColumn' and spec.get('separator'):
            tags = [t.strip() for t in row[spec['column']].split(spec['separator']) if t.strip()]
            unknown = [t for t in tags if t not in index]
            if unknown:
                raise ValueError(f'{path}: tag "{unknown[0]}" is not among the studio\'s classes {classes}')
            label = [index[t] for t in tags]
        elif kind == 'csvColumn':
            label = index.get(row[spec['column']])
        elif kind == 'mask':
            label = mask_path_for(spec['template'], path)
        else:
            label = (float(row[spec['xColumn']]), float(row[spec['yColumn']]))
        if label is None:
            raise ValueError(f'{path}: its label is not among the studio\'s classes {classes}')
        out.append((path, label))
    return out


def _truthy(v):
    return re.fullmatch(r'(true|1|yes|y|t|valid)', v.strip(), re.I) is not None


def split_items(spec, labeled, rows):
    """(train, valid) as the studio splits: by folder name, at random with its seed, or by a CSV column."""
    if spec['kind'] == 'folder':
        train, valid = [], []
        for item in labeled:
            segments = item[0].split('/')[:-1]
            if spec['valid'] in segments:
                valid.append(item)
            elif spec['train'] in segments:
                train.append(item)
        return train, valid
    if spec['kind'] == 'random':
        order = shuffled(range(len(labeled)), mulberry32(spec['seed']))
        # JavaScript's Math.round (half up), not Python's round (half to even).
        n_valid = math.floor(len(labeled) * spec['validPct'] + 0.5)
        chosen = set(order[:n_valid])
        return [x for i, x in enumerate(labeled) if i not in chosen], [x for i, x in enumerate(labeled) if i in chosen]
    flags = [_truthy(rows[i][spec['column']]) for i in range(len(labeled))]
    return [x for x, f in zip(labeled, flags) if not f], [x for x, f in zip(labeled, flags) if f]


def sides(size):
    """(height, width) from a size that is one number or [height, width], as the studio's sidesOf."""
    return (int(size), int(size)) if isinstance(size, (int, float)) else (int(size[0]), int(size[1]))


def resize_window(src_w, src_h, out_h, out_w, method, rng):
    """The source window (x0, y0, w, h) stretched onto the output: fastai's Resize crop/squish/pad."""
    if method == 'squish':
        return 0, 0, src_w, src_h
    # crop keeps the largest window of the output's shape inside the picture; pad the smallest around it.
    scale = min(src_w / out_w, src_h / out_h) if method == 'crop' else max(src_w / out_w, src_h / out_h)
    w, h = round(out_w * scale), round(out_h * scale)

    def start(diff):
        span = abs(diff)
        k = min(span, math.floor(rng.random() * (span + 1))) if rng else span // 2
        return int(math.copysign(k, diff)) if diff else 0
    return start(src_w - w), start(src_h - h), w, h


class StudioDataset(torch.utils.data.Dataset):
    """Pictures sized as the studio sizes them, with their targets; training crops at random."""

    def __init__(self, root, labeled, task, num_classes, size, method, train):
        self.root, self.labeled, self.task, self.num_classes = root, labeled, task, num_classes
        self.size, self.method, self.train = sides(size), method, train

    def __len__(self):
        return len(self.labeled)

    def __getitem__(self, i):
        path, label = self.labeled[i]
        img = Image.open(os.path.join(self.root, path)).convert('RGB')
        out_h, out_w = self.size
        x0, y0, w, h = resize_window(img.width, img.height, out_h, out_w, self.method, random if self.train else None)
        # PIL's crop fills outside the picture with zeros, as the studio's pad; its bilinear widens on shrinking, as the studio's.
        pic = img.crop((x0, y0, x0 + w, y0 + h)).resize((out_w, out_h), Image.BILINEAR)
        x = torch.from_numpy(np.asarray(pic, dtype=np.uint8).copy()).permute(2, 0, 1)
        return x, self._target(label, img, (x0, y0, w, h))

    def _target(self, label, img, window):
        x0, y0, w, h = window
        out_h, out_w = self.size
        if self.task == 'single':
            return torch.tensor(label, dtype=torch.long)
        if self.task == 'multi':
            hot = torch.zeros(self.num_classes)
            hot[list(label)] = 1
            return hot
        if self.task == 'segmentation':
            mask = Image.open(os.path.join(self.root, label)).convert('RGB').getchannel(0)
            fx, fy = mask.width / img.width, mask.height / img.height
            box = (x0 * fx, y0 * fy, (x0 + w) * fx, (y0 + h) * fy)
            m = mask.crop(tuple(round(v) for v in box)).resize((out_w, out_h), Image.NEAREST)
            return torch.from_numpy(np.asarray(m, dtype=np.int64).copy())
        # Points: source pixels -> output pixels -> fastai's [-1, 1] scale.
        px, py = (label[0] - x0) * out_w / w, (label[1] - y0) * out_h / h
        return torch.tensor([2 * px / out_w - 1, 2 * py / out_h - 1], dtype=torch.float32)


def build_datasets(root, spec, manifest, size):
    """(train, valid) datasets for the spec at `size`, classes in studio.json's order."""
    items = collect_items(spec['items'], root)
    if not items:
        raise ValueError(f'no images found in {root} for items {spec["items"]}')
    rows = [row for _, row in items]
    labeled = label_items(spec['label'], items, manifest['classes'])
    train, valid = split_items(spec['split'], labeled, rows)
    if not train or not valid:
        raise ValueError(f'the split {spec["split"]} leaves {len(train)} training and {len(valid)} validation items')
    task, n = manifest['task'], len(manifest['classes'])
    method = spec['transforms']['resize']
    return (StudioDataset(root, train, task, n, size, method, True), StudioDataset(root, valid, task, n, size, method, False))
