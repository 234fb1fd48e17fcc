"""Item 7: the studio's small CNN training step in PyTorch on the CPU, for the native reference.

Same network as src/core/model/smallCnn.ts: four conv3x3 (stride 2, 'same' padding, no bias)
-> batch norm -> ReLU blocks of 8, 16, 32, 64 filters, global average pooling, a dense layer
of 10 logits; batch 64 of 28x28x3, cross-entropy, AdamW (lr 1e-3, wd 0.01). Prints one JSON
object: torch version, threads, median ms per step over the timed steps.
"""
import json
import os
import statistics
import time

import torch
from torch import nn



def blas_gflops() -> float:
    """Single-precision matmul speed: Debian's python3-torch calls whatever libblas.so.3 the system
    selects, and the reference BLAS (no libopenblas0 installed) is ~7x slower than OpenBLAS, which
    would make PyTorch look slow and the studio's ratios look good."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    a @ b
    start = time.perf_counter()
    for _ in range(5):
        a @ b
    return round(5 * 2 * 512**3 / (time.perf_counter() - start) / 1e9, 1)

def small_cnn(num_out: int = 10) -> nn.Module:
    layers, c_in = [], 3
    for c_out in (8, 16, 32, 64):
        layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c_out, momentum=0.1, eps=1e-5), nn.ReLU()]
        c_in = c_out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, num_out))


def main() -> None:
    torch.manual_seed(1)
    torch.set_num_threads(os.cpu_count() or 1)
    model = small_cnn()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(64, 3, 28, 28)
    y = torch.arange(64) % 10

    def step() -> float:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(5):
        step()
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blasGflops": blas_gflops(), "msPerStep": statistics.median(times), "reps": len(times)}))


if __name__ == "__main__":
    main()
