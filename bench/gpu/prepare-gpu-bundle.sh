#!/usr/bin/env bash
# Packs what bench/gpu/run-on-gpu.sh needs into .gpu/ (git-ignored), following
# ../shared/ENVIRONMENT.md "GPU machine": the GPU machine has no Node and no registry, and the
# working tree travels with what `carry` names, 64 MiB at most. The tracked tree is ~30 MB, so
# the bundle must stay under ~34 MB: a stripped node, onnxruntime-node's linux-x64 binaries
# alone, one esbuild bundle of bench/gpu/gpu-capacity.ts, and the bench model as a skeleton
# (bench/gpu/model-skeleton.py; its weights are regenerated there). Run once, here, from the
# repository root: bash bench/gpu/prepare-gpu-bundle.sh [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared}
model=bench/.cache/models/heavy-31m
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> .git/info/exclude
mkdir -p .gpu/gl /tmp/amd64/partial

# 1. Vulkan loader + GL libraries for the WebGPU provider (Dawn over Vulkan).
if ! ls .gpu/gl/libvulkan1_*.deb > /dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update > /dev/null
  (cd .gpu/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi

# 2. This machine's node binary, stripped of its symbols (~21 MB xz instead of ~24).
if [ ! -f .gpu/node.xz ]; then
  strip -o /tmp/earshot-node "$(readlink -f "$(command -v node)")"
  xz -T2 -9 -c /tmp/earshot-node > .gpu/node.xz.tmp && mv .gpu/node.xz.tmp .gpu/node.xz
  rm -f /tmp/earshot-node
fi

# 3. onnxruntime-node (linux x64 binaries only) + onnxruntime-common: the bundle's one external.
if [ ! -f .gpu/nm.tar.xz ]; then
  tmp=$(mktemp -d)
  mkdir -p "$tmp/node_modules"
  cp -a node_modules/onnxruntime-common "$tmp/node_modules/"
  cp -a node_modules/onnxruntime-node "$tmp/node_modules/"
  rm -rf "$tmp"/node_modules/onnxruntime-node/bin/napi-v*/{win32,darwin,linux/arm64}
  (cd "$tmp" && tar cf - node_modules | xz -T2 -9) > .gpu/nm.tar.xz
  rm -rf "$tmp"
fi

# 4. The bench as one ES module (src/ and test-support/ inlined), the FFT's wasm beside it.
node_modules/.bin/esbuild bench/gpu/gpu-capacity.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --log-level=warning --outfile=.gpu/gpu-capacity.mjs
cp node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm .gpu/
cp "$shared/data/real-speech/jfk.wav" .gpu/

# 5. The >= 30 M-parameter bench model, without its weights.
[ -f "$model/model.onnx" ] || /usr/bin/python3 training/make_fixture.py --out "$model" \
  --d-model 320 --layers 13 --heads 8 --conv-kernel 15 --sub-channels 64
/usr/bin/python3 bench/gpu/model-skeleton.py strip "$model" .gpu/model
du -sh .gpu .gpu/*
echo "carry: .gpu (see bench/gpu/README.md)"
