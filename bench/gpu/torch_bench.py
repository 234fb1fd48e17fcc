"""PyTorch reference for bench/gpu/main.ts: the studio's models rebuilt layer for layer.

Models (same layer shapes and trainable parameter counts as the tfjs ones):
  smallCnn       src/core/model/smallCnn.ts: 4 x (conv3x3 s2, no bias -> BN -> ReLU), 8/16/32/64,
                 global average pool, Linear(64, 10)
  xresnet        src/core/model/xresnet.ts (tiny): stem 16/16/32 (first s2), maxpool 3 s2,
                 ResBlocks 32 (s1), 48 (s2), 64 (s2), avgpool+1x1 conv shortcut, GAP, Linear
  unet_smallCnn  src/core/model/unet.ts on the small CNN encoder (cut before its pooling):
                 mid 128/64, decoder blocks 32/16/8 + final block at full size, 1x1 logits (4 codes)
  mobilenet_v2   torchvision's mobilenet_v2 features[:12] + features[12].conv[0] (Keras
                 block_11_expand_relu, 576 channels, stride 16), behind a frozen 1x1 input conv
                 (and a bilinear 2x upscale below 96 px, as the studio does), with fastai's head
                 (concat pool, BN, dropout, Linear 1152->128, ReLU, BN, dropout, Linear 128->10)
One training step: forward, cross-entropy, backward, AdamW (wd 0.01, lr 1e-3), on random
inputs; warm-up steps excluded; timed from a device sync to a device sync. fp32 and bf16
(torch.autocast). CUDA when available; with --quick, the CPU when not.

Usage: python3 bench/gpu/torch_bench.py [--quick] [--device cuda|cpu] [--cells m:size:batch,...]
       [--out FILE]. Prints one JSON object on stdout (progress on stderr); --out also writes it
       to FILE after every row.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import torchvision
except Exception:  # noqa: BLE001 - any import failure means "absent"
    torchvision = None

MODELS = ["smallCnn", "xresnet", "unet_smallCnn", "mobilenet_v2"]
# bench/gpu/main.ts FULL_CELLS and QUICK_CELLS: keep in step.
FULL_CELLS = [(m, 64, 64) for m in MODELS] + [(m, 128, 64) for m in MODELS] + [("mobilenet_v2", 224, 32)]
QUICK_CELLS = [(m, 64, 8) for m in MODELS]
CLASSES = 10
CODES = 4
LR = 1e-3
START = time.time()


def progress(msg):
    print(f"[torch {time.time() - START:5.0f} s] {msg}", file=sys.stderr, flush=True)


def conv_bn(cin, cout, k=3, stride=1, act=True, zero_bn=False):
    """fastai ConvLayer as blocks.ts builds it: conv (no bias, 'same') -> BN(momentum 0.1, eps 1e-5) -> ReLU."""
    bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
    if zero_bn:
        nn.init.zeros_(bn.weight)
    layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False), bn]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SmallCnn(nn.Module):
    def __init__(self, num_out, channels=(8, 16, 32, 64), head=True):
        super().__init__()
        blocks, cin = [], 3
        for c in channels:
            blocks.append(conv_bn(cin, c, stride=2))
            cin = c
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(cin, num_out) if head else None

    def features(self, x):
        outs = []
        for b in self.blocks:
            x = b(x)
            outs.append(x)
        return outs

    def forward(self, x):
        x = self.features(x)[-1]
        return self.fc(x.mean((2, 3)))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.convs = nn.Sequential(conv_bn(cin, cout, stride=stride), conv_bn(cout, cout, act=False, zero_bn=True))
        idp = [nn.AvgPool2d(2, 2, ceil_mode=True)] if stride != 1 else []
        if cin != cout:
            idp.append(conv_bn(cin, cout, k=1, act=False))
        self.id = nn.Sequential(*idp)

    def forward(self, x):
        return F.relu(self.convs(x) + self.id(x))


class XResNet(nn.Module):
    def __init__(self, num_out, stem=(16, 16, 32), channels=(32, 48, 64), blocks=(1, 1, 1)):
        super().__init__()
        layers = [conv_bn(3, stem[0], stride=2), conv_bn(stem[0], stem[1]), conv_bn(stem[1], stem[2]), nn.MaxPool2d(3, 2, 1)]
        cin = stem[2]
        for s, c in enumerate(channels):
            for b in range(blocks[s]):
                layers.append(ResBlock(cin, c, 2 if s > 0 and b == 0 else 1))
                cin = c
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, num_out)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


class UnetBlock(nn.Module):
    """unet.ts unetBlock: upsample (nearest), crop, 1x1 conv to width, BN(skip), concat, 2 x conv3x3."""

    def __init__(self, cin, cskip, width, factor):
        super().__init__()
        self.factor = factor
        self.up = conv_bn(cin, width, k=1)
        self.skip_bn = nn.BatchNorm2d(cskip, eps=1e-5, momentum=0.1)
        self.a = conv_bn(width + cskip, width)
        self.b = conv_bn(width, width)

    def forward(self, x, skip):
        if self.factor > 1:
            x = F.interpolate(x, scale_factor=self.factor, mode="nearest")
        x = x[:, :, : skip.shape[2], : skip.shape[3]]
        return self.b(self.a(torch.cat([self.up(x), self.skip_bn(skip)], 1)))


class Unet(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.enc = SmallCnn(1, head=False)
        ch = 64
        self.mid = nn.Sequential(conv_bn(ch, ch * 2), conv_bn(ch * 2, ch))
        blocks, width, cin = [], max(8, ch // 2), ch
        for cskip in (32, 16, 8):
            blocks.append(UnetBlock(cin, cskip, width, 2))
            cin, width = width, max(8, round(width / 2))
        self.ups = nn.ModuleList(blocks)
        self.final = UnetBlock(cin, 3, width, 2)
        self.logits = nn.Conv2d(width, num_classes, 1)

    def forward(self, x):
        feats = self.enc.features(x)
        y = self.mid(feats[-1])
        for blk, skip in zip(self.ups, reversed(feats[:-1])):
            y = blk(y, skip)
        return self.logits(self.final(y, x))


class MobileNetBody(nn.Module):
    def __init__(self, num_out, size):
        super().__init__()
        mb = torchvision.models.mobilenet_v2(weights=None)
        # Keras block_k = torchvision features[k + 1]; block_11_expand_relu = features[12].conv[0].
        self.body = nn.Sequential(*mb.features[:12], mb.features[12].conv[0])
        self.upscale = 1 if size >= 96 else -(-96 // size)
        self.adapter = nn.Conv2d(3, 3, 1)
        for p in self.adapter.parameters():
            p.requires_grad_(False)
        nf = 576
        self.head = nn.Sequential(
            nn.BatchNorm1d(2 * nf, eps=1e-5, momentum=0.1), nn.Dropout(0.25), nn.Linear(2 * nf, 128, bias=False), nn.ReLU(inplace=True),
            nn.BatchNorm1d(128, eps=1e-5, momentum=0.1), nn.Dropout(0.5), nn.Linear(128, num_out, bias=False),
        )

    def forward(self, x):
        if self.upscale > 1:
            x = F.interpolate(x, scale_factor=self.upscale, mode="bilinear", align_corners=False)
        f = self.body(self.adapter(x))
        pooled = torch.cat([f.amax((2, 3)), f.mean((2, 3))], 1)
        return self.head(pooled)


def build(model, size):
    if model == "smallCnn":
        return SmallCnn(CLASSES)
    if model == "xresnet":
        return XResNet(CLASSES)
    if model == "unet_smallCnn":
        return Unet(CODES)
    if model == "mobilenet_v2":
        if torchvision is None:
            raise RuntimeError("torchvision is not installed")
        return MobileNetBody(CLASSES, size)
    raise ValueError(model)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_cell(model_name, size, batch, dtype, device, plan):
    net = build(model_name, size).to(device).train()
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=LR, weight_decay=0.01)
    x = torch.randn(batch, 3, size, size, device=device)
    if model_name == "unet_smallCnn":
        y = torch.randint(0, CODES, (batch, size, size), device=device)
    else:
        y = torch.arange(batch, device=device) % CLASSES
    amp = dtype == "bf16"

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
            loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()

    t = time.perf_counter()
    step()
    sync(device)
    first = (time.perf_counter() - t) * 1000
    for _ in range(plan["warm"] - 1):
        step()
    sync(device)
    t = time.perf_counter()
    n = 0
    while n < plan["reps"] and (n < plan["min_reps"] or (time.perf_counter() - t) * 1000 < plan["budget_ms"]):
        step()
        n += 1
    sync(device)
    ms = (time.perf_counter() - t) * 1000 / n
    return {"params": params, "msPerStep": round(ms, 3), "samplesPerSecond": round(batch * 1000 / ms, 1), "timedSteps": n, "firstStepMs": round(first, 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", choices=["cuda", "cpu"], default=None)
    ap.add_argument("--cells", default=None, help="model:size:batch,...")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    notes = []
    if args.device:
        device = torch.device(args.device)
    elif torch.cuda.is_available():
        device = torch.device("cuda")
    elif args.quick:
        device = torch.device("cpu")
        notes.append("No CUDA device: ran on the CPU (--quick), not a GPU result.")
    else:
        raise SystemExit("no CUDA device (pass --quick or --device cpu to run on the CPU)")
    if args.cells:
        cells = [(m, int(s), int(b)) for m, s, b in (c.split(":") for c in args.cells.split(","))]
    else:
        cells = QUICK_CELLS if args.quick else FULL_CELLS
    plan = {"warm": 1, "reps": 2, "min_reps": 2, "budget_ms": 0} if args.quick else {"warm": 5, "reps": 50, "min_reps": 10, "budget_ms": 2000}
    torch.backends.cudnn.benchmark = True
    notes.append(
        f"Steps: {plan['warm']} warm-up excluded, then up to {plan['reps']} timed (at least {plan['min_reps']}, within {plan['budget_ms'] / 1000} s); "
        f"AdamW; bf16 = torch.autocast(bfloat16) with fp32 weights; cudnn.benchmark on; TF32 matmul {torch.backends.cuda.matmul.allow_tf32}, "
        f"TF32 conv {torch.backends.cudnn.allow_tf32}; NCHW; no loss.item() per step."
    )
    result = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__ if torchvision else None,
        "device": device.type,
        "deviceName": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
        "threads": torch.get_num_threads(),
        "notes": notes,
        "plan": plan,
        "rows": [],
    }

    def save():
        if args.out:
            with open(args.out, "w") as f:
                json.dump(result, f, indent=2)

    save()
    for model_name, size, batch in cells:
        for dtype in ("fp32", "bf16"):
            row = {"model": model_name, "size": size, "batch": batch, "dtype": dtype}
            try:
                row.update(time_cell(model_name, size, batch, dtype, device, plan))
                progress(f"{model_name} {size}px batch {batch} {dtype}: {row['msPerStep']:.2f} ms/step ({row['params']} params, first {row['firstStepMs']:.0f} ms)")
            except Exception as e:  # noqa: BLE001 - one failure must not end the run
                row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
                progress(f"{model_name} {size}px batch {batch} {dtype}: failed ({row['error']})")
                if device.type == "cuda":
                    torch.cuda.empty_cache()
            result["rows"].append(row)
            save()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
