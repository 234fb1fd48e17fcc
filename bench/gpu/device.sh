#!/usr/bin/env bash
# Runs bench:gpu on a GPU machine that has no node, npm or network, from the payload that
# bench/gpu/prepare.sh put in .gpu/ (carried with the repo). Run from the repo root:
#   bash bench/gpu/device.sh
# Writes into $OUT (default ./gpu-out) as results come: device.log, torch.json (after each row),
# gpu-bench.json (after each cell), RESULTS-gpu.md, bench.json. Each step's failure is printed
# and the next step still runs. The whole run stays under ~7.5 minutes (torch <= 120 s, the
# WebGPU bench starts no cell after 220 s and is killed at 300 s).
# Environment: OUT, GPU_WORK (unpack dir, default /tmp/gpubench), GPU_SYSROOT (where the
# Vulkan/GL libraries go: / by default, no-clobber; another folder for a trial run, then
# LD_LIBRARY_PATH points there), DAWN_FLAGS (passed to dawn.node), TORCH_TIMEOUT, BENCH_TIMEOUT.
set -u
ROOT=$(pwd)
G=$ROOT/.gpu
OUT=${OUT:-$ROOT/gpu-out}
W=${GPU_WORK:-/tmp/gpubench}
SYSROOT=${GPU_SYSROOT:-/}
TORCH_TIMEOUT=${TORCH_TIMEOUT:-120}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_DEADLINE=${BENCH_DEADLINE:-220}
PYTHON=${PYTHON:-python3}
# Extra arguments go to the WebGPU bench; --quick also to torch_bench.py (CPU fallback).
TORCH_ARGS=()
[[ " $* " == *" --quick "* ]] && TORCH_ARGS=(--quick)
mkdir -p "$OUT" "$W"
exec > >(tee -a "$OUT/device.log") 2>&1
START=$(date +%s)
step() { echo "== [$(($(date +%s) - START)) s] $*"; }
fail() { echo "!! FAILED: $*"; }

step "machine"
uname -a
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || fail "nvidia-smi not found"
$PYTHON --version 2>&1 || fail "$PYTHON not found"
[[ -d $G ]] || { fail "$G is missing: run bash bench/gpu/prepare.sh where npm works and carry .gpu"; exit 1; }

step "unpack node"
NODE=$W/node
if xz -dc "$G/node.xz" > "$NODE.tmp" && mv "$NODE.tmp" "$NODE" && chmod +x "$NODE"; then
  "$NODE" --version || fail "node does not run"
else
  fail "xz -d .gpu/node.xz"
fi

step "unpack webgpu (dawn.node) and the bundle"
WG=$W/node_modules/webgpu
rm -rf "$WG" && mkdir -p "$WG/dist/linux-x64"
cp "$G"/webgpu/{index.js,package.json,LICENSE.md} "$WG/" || fail "copy webgpu"
xz -dc "$G/webgpu/dist/linux-x64/dawn.node.xz" > "$WG/dist/linux-x64/dawn.node" || fail "xz -d dawn.node"
xz -dc "$G/bench.mjs.xz" > "$W/bench.mjs" || fail "xz -d bench.mjs"

step "Vulkan loader and GL libraries into $SYSROOT"
rm -rf "$W/sysroot" && mkdir -p "$W/sysroot"
for f in "$G"/debs/*.deb; do dpkg -x "$f" "$W/sysroot" || fail "dpkg -x $f"; done
LIBDIR=usr/lib/x86_64-linux-gnu
if [[ $SYSROOT == / ]]; then
  # No clobber: a library the machine already has (a newer loader, say) is kept.
  mkdir -p "/$LIBDIR"
  for f in "$W/sysroot/$LIBDIR"/*; do
    n=$(basename "$f")
    if [[ -e /$LIBDIR/$n || -L /$LIBDIR/$n ]]; then echo "keep /$LIBDIR/$n"; else cp -P "$f" "/$LIBDIR/$n" && echo "added /$LIBDIR/$n" || fail "cp $n"; fi
  done
  ldconfig || fail "ldconfig"
else
  mkdir -p "$SYSROOT" && cp -rP "$W/sysroot/." "$SYSROOT/" || fail "copy to $SYSROOT"
  export LD_LIBRARY_PATH=$SYSROOT/$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
[[ -d /usr/local/nvidia/lib64 ]] && export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/usr/local/nvidia/lib64
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [[ -f $icd ]]; then export VK_DRIVER_FILES=$icd; break; fi
done
if [[ -n ${VK_DRIVER_FILES:-} ]]; then
  echo "VK_DRIVER_FILES=$VK_DRIVER_FILES"
  tr -d '\n' < "${VK_DRIVER_FILES%%:*}"; echo
else
  fail "no nvidia_icd.json found; Dawn will use whatever Vulkan driver the loader finds (if any)"
fi
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
(ldconfig -p 2>/dev/null | grep -E "libvulkan.so.1|libGLX_nvidia|libEGL_nvidia" ) || echo "(ldconfig -p lists no libvulkan/nvidia GLX)"

step "PyTorch (torch_bench.py, timeout ${TORCH_TIMEOUT}s)"
timeout "$TORCH_TIMEOUT" "$PYTHON" bench/gpu/torch_bench.py "${TORCH_ARGS[@]}" --out "$OUT/torch.json" > "$OUT/torch.stdout.json" || fail "torch_bench.py (exit $?)"

step "WebGPU bench (timeout ${BENCH_TIMEOUT}s, no new cell after ${BENCH_DEADLINE}s)"
WEBGPU_MODULE=$WG/index.js timeout "$BENCH_TIMEOUT" "$NODE" "$W/bench.mjs" --out "$OUT" --public "$G/public" \
  --torch-json "$OUT/torch.json" --deadline-s "$BENCH_DEADLINE" "$@" > "$OUT/bench.json" || fail "bench.mjs (exit $?)"

if [[ ! -s $OUT/bench.json && -s $OUT/gpu-bench.json ]]; then
  step "the bench did not finish: RESULTS-gpu.md from its last gpu-bench.json"
  "$NODE" "$W/bench.mjs" --from-json "$OUT/gpu-bench.json" --torch-json "$OUT/torch.json" --out "$OUT" > "$OUT/bench.json" || fail "re-render"
fi

step "done; $OUT holds:"
ls -la "$OUT"
