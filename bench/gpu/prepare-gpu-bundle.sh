#!/usr/bin/env bash
# Packs what bench/gpu/run-on-gpu.sh needs into .gpu/ (git-ignored), following
# ../shared/ENVIRONMENT.md "GPU machine": the GPU machine has no Node and no registry, and the
# working tree travels (64 MiB at most). Run once, here, from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> .git/info/exclude
mkdir -p .gpu/gl /tmp/amd64/partial

# 1. Vulkan loader + GL libraries for the WebGPU provider (Dawn over Vulkan).
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update >/dev/null
(cd .gpu/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)

# 2. This machine's node binary (~24 MB xz).
xz -T2 -c "$(command -v node)" > .gpu/node.xz

# 3. node_modules subset: the production dependency closure (npm ls), minus better-sqlite3 (the
#    desktop store; serve/bench never load it), plus the bench's devDependencies: sherpa-onnx-node
#    (the peer engine) and chart.js (HTML report). onnxruntime-node keeps only its linux x64 binaries.
tmp=$(mktemp -d)
{ npm ls --omit=dev --all --parseable 2>/dev/null | sed "s#^$PWD/##" | grep '^node_modules/' | grep -v better-sqlite3
  printf '%s\n' node_modules/sherpa-onnx-node node_modules/sherpa-onnx-linux-x64 node_modules/chart.js node_modules/@kurkle/color
} | sort -u | while read -r m; do
  [ -d "$m" ] || continue
  mkdir -p "$tmp/$(dirname "$m")"
  cp -a "$m" "$tmp/$m"
done
rm -rf "$tmp"/node_modules/onnxruntime-node/bin/napi-v*/{win32,darwin,linux/arm64}
(cd "$tmp" && tar cf - node_modules | xz -T2 -9) > .gpu/nm.tar.xz
rm -rf "$tmp"

# 4. Synthesized utterances (espeak-ng is not on the GPU machine) and the heavy model: make them here.
node --import tsx -e "import('./bench/audio/bench-utterances.ts').then((m) => m.benchUtterances('bench/.cache/audio', 32))"
[ -f bench/.cache/models/heavy-29m/model.onnx ] || /usr/bin/python3 training/make_fixture.py --out bench/.cache/models/heavy-29m \
  --d-model 320 --layers 12 --heads 8 --conv-kernel 15 --sub-channels 64
du -sh .gpu bench/.cache/audio 2>/dev/null || true
echo "carry: .gpu bench/.cache/audio bench/.cache/models (see bench/gpu/README.md)"
