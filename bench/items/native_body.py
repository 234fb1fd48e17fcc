"""Item 7, second half: the studio's pretrained ImageNet body (item 2b) in PyTorch on the CPU.

The same network as the studio's `buildModel` on the built-in MobileNetV2 (src/core/model/
bodies.ts, head.ts, build.ts), with torchvision's MobileNetV2 (random weights: nothing is
downloaded; the timing does not depend on them):

- the input adapter: a frozen 1x1 conv 3 -> 3 with bias (the studio's scaling of the data's
  normalization into the body's own, `pretrainedBody.ts`);
- the body cut at Keras's `block_11_expand_relu`. Keras's `Conv1` + `expanded_conv` are
  torchvision's features[0] and [1], Keras's block_k (k = 1..16) is features[k + 1], and
  `block_11_expand_relu` is the output of block 11's expanding 1x1 conv + BN + ReLU6, i.e.
  features[12].conv[0]: 576 channels at stride 16;
- fastai's head as `createHead(576, 10, { hidden: 128 })` builds it: concat pool (max, then
  average: 1152 features) -> BN -> dropout 0.25 -> linear 1152 -> 128 (no bias) -> ReLU -> BN ->
  dropout 0.5 -> linear 128 -> 10 (no bias).

As in the studio, the body's batch norm runs in inference mode in training too (its running
statistics; `batchNormMode.ts`), frozen or not. Frozen (`learn.freeze()`): the head and every
batch norm's scale and shift train, the body's convolutions do not. Unfrozen: everything trains.
A step is forward, cross-entropy, backward, AdamW (lr 1e-3, wd 0.01). Inference is the model in
eval mode under `torch.inference_mode()`. Batch 16 at 128 px and batch 8 at 224 px, NCHW
(PyTorch's default layout), torch.set_num_threads(cores). Prints one JSON object.
"""
import json
import os
import statistics
import time

import torch
import torchvision
from torch import nn
from native import blas_gflops  # the same BLAS check as item 7 (the script's folder is on sys.path)

CLASSES = 10
HIDDEN = 128
SIZES = ((128, 16), (224, 8))
# Keras block_11 is torchvision features[12]; its expand (conv[0]) ends in block_11_expand_relu.
CUT_BLOCK = 12


class ConcatPool(nn.Module):
    """fastai's AdaptiveConcatPool2d as the studio orders it: [max, average]."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.amax(x, dim=(2, 3)), torch.mean(x, dim=(2, 3))], dim=1)



def body() -> nn.Sequential:
    features = torchvision.models.mobilenet_v2(weights=None).features
    adapter = nn.Conv2d(3, 3, 1, bias=True)
    adapter.requires_grad_(False)
    return nn.Sequential(adapter, *features[:CUT_BLOCK], features[CUT_BLOCK].conv[0])


def head(nf: int) -> nn.Sequential:
    return nn.Sequential(
        ConcatPool(),
        nn.BatchNorm1d(2 * nf, eps=1e-5, momentum=0.1),
        nn.Dropout(0.25),
        nn.Linear(2 * nf, HIDDEN, bias=False),
        nn.ReLU(),
        nn.BatchNorm1d(HIDDEN, eps=1e-5, momentum=0.1),
        nn.Dropout(0.5),
        nn.Linear(HIDDEN, CLASSES, bias=False),
    )


def set_frozen(model: nn.Sequential, frozen: bool) -> None:
    """Frozen: the body trains only its batch norms' scale and shift; the adapter never trains."""
    b = model[0]
    for i, m in enumerate(b):
        if i == 0:
            continue
        for mod in m.modules():
            bn = isinstance(mod, nn.BatchNorm2d)
            for p in mod.parameters(recurse=False):
                p.requires_grad_(bn or not frozen)


def train_mode(model: nn.Sequential) -> None:
    """Training mode for the head (dropout, batch statistics); the body's batch norm stays in eval."""
    model.train()
    for mod in model[0].modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.eval()


def count(params) -> int:
    return sum(p.numel() for p in params)


def timed(fn, warm: int, reps: int, budget_s: float) -> dict:
    for _ in range(warm):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < reps and (len(times) < 2 or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"msPerStep": statistics.median(times), "reps": len(times)}


def main() -> None:
    torch.manual_seed(1)
    torch.set_num_threads(os.cpu_count() or 1)
    model = nn.Sequential(body(), head(576))
    loss_fn = nn.CrossEntropyLoss()
    set_frozen(model, False)
    total = count(p for p in model.parameters() if p.requires_grad)
    set_frozen(model, True)
    frozen = count(p for p in model.parameters() if p.requires_grad)
    rows = []
    for size, batch in SIZES:
        x = torch.randn(batch, 3, size, size)
        y = torch.arange(batch) % CLASSES

        def infer() -> None:
            with torch.inference_mode():
                model(x)

        model.eval()
        rows.append({"size": size, "batch": batch, "mode": "inference", **timed(infer, 2, 10, 10.0)})
        for mode in ("frozen", "unfrozen"):
            set_frozen(model, mode == "frozen")
            train_mode(model)
            opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3, weight_decay=0.01)

            def step() -> None:
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
                loss.item()

            rows.append({"size": size, "batch": batch, "mode": mode, **timed(step, 2, 10, 15.0)})
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blasGflops": blas_gflops(), "params": {"frozen": frozen, "total": total}, "rows": rows}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
