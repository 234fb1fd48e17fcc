#!/usr/bin/env bash
# A software Vulkan for trying bench:gpu on a machine without a GPU (Debian 12, amd64): Mesa 25's
# lavapipe from bookworm-backports (Debian 12's own Mesa 22 lavapipe is refused by Dawn:
# "shaderUniform*ArrayDynamicIndexing required"), unpacked with dpkg -x into
# bench/gpu/.local/mesa25 (nothing is installed), with the Vulkan loader libvulkan1.
# Writes bench/gpu/.local/lavapipe.env; then:
#   source bench/gpu/.local/lavapipe.env && npm run bench:gpu -- --quick
# Its timings are the CPU's and the bench marks them NOT a GPU result.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL=$ROOT/bench/gpu/.local
M=$LOCAL/mesa25
A=$LOCAL/cache/apt-backports
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$M"
cat > "$A/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
EOF
APT=(-o "Dir::State::Lists=$A/lists" -o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::Cache=$A/cache" -o APT::Architecture=amd64 -o Debug::NoLocking=1)
echo "[lavapipe] apt-get update (bookworm + bookworm-backports, private lists) ..." >&2
apt-get "${APT[@]}" -qq update >&2
chmod 777 "$A/debs" 2>/dev/null || true
cd "$A/debs"
# Mesa 25 needs libdrm >= 2.4.121, also from backports; libvulkan1 is bookworm's loader.
apt-get "${APT[@]}" -qq download -t bookworm-backports mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 >&2
apt-get "${APT[@]}" -qq download libvulkan1 >&2
for f in *.deb; do dpkg -x "$f" "$M"; done
LIB=$M/usr/lib/x86_64-linux-gnu
cat > "$M/lvp_icd.json" <<EOF
{"file_format_version": "1.0.0", "ICD": {"library_path": "$LIB/libvulkan_lvp.so", "api_version": "1.4.305"}}
EOF
cat > "$LOCAL/lavapipe.env" <<EOF
export LD_LIBRARY_PATH=$LIB\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
export VK_DRIVER_FILES=$M/lvp_icd.json
EOF
echo "[lavapipe] $(ls "$A/debs" | tr '\n' ' ')" >&2
echo "[lavapipe] wrote $LOCAL/lavapipe.env: source it, then npm run bench:gpu -- --quick" >&2
