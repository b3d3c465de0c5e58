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

# 3. onnxruntime-node (linux x64 binaries only) + onnxruntime-common: the bundles' one native
#    external; chart.js's package.json and dist/ for the load bench's HTML report.
if [ ! -f .gpu/nm.tar.xz ]; then
  tmp=$(mktemp -d)
  mkdir -p "$tmp/node_modules/chart.js"
  cp -a node_modules/onnxruntime-common "$tmp/node_modules/"
  cp -a node_modules/onnxruntime-node "$tmp/node_modules/"
  rm -rf "$tmp"/node_modules/onnxruntime-node/bin/napi-v*/{win32,darwin,linux/arm64}
  cp -a node_modules/chart.js/package.json node_modules/chart.js/dist "$tmp/node_modules/chart.js/"
  (cd "$tmp" && tar cf - node_modules | xz -T2 -9) > .gpu/nm.tar.xz
  rm -rf "$tmp"
fi

# 3b. sherpa-onnx-node (CPU-only build): the peer behind the same gateway in the load bench.
if [ ! -f .gpu/sherpa.tar.xz ]; then
  tar cf - node_modules/sherpa-onnx-node node_modules/sherpa-onnx-linux-x64 | xz -T2 -9 > .gpu/sherpa.tar.xz
fi

# 4. The bench as one ES module (src/ and test-support/ inlined), the FFT's wasm beside it.
node_modules/.bin/esbuild bench/gpu/gpu-capacity.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --log-level=warning --outfile=.gpu/gpu-capacity.mjs
cp node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm .gpu/
cp "$shared/data/real-speech/jfk.wav" .gpu/

# 5. The load bench (`earshot bench postmortem`) without tsx: the CLI and the worker thread as
#    two bundles in .gpu/srv/, two folders below the repository root as bench/scenario expects of
#    the CLI it starts (EARSHOT_CLI). The worker's bundle takes the name the pool looks for.
#    Natives stay external: onnxruntime-node travels, the rest (sherpa-onnx-node, the desktop's)
#    are not loaded by `earshot serve` on Earshot's engine. The synthesized clips travel too
#    (espeak-ng is not there).
rm -rf .gpu/srv && node_modules/.bin/esbuild earshot=bench/gpu/earshot-cli.ts \
  worker-bootstrap=src/serving/transport/worker-main.ts sherpa/sherpa-recognizer=src/engine/sherpa/sherpa-recognizer.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --external:sherpa-onnx-node --external:better-sqlite3 --external:chart.js \
  --external:uiohook-napi --external:electron --log-level=warning --outdir=.gpu/srv \
  --banner:js="import { createRequire as __earshotRequire } from 'node:module'; const require = __earshotRequire(import.meta.url);"
cp node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm .gpu/srv/
# Workers import engines other than Earshot's by URL (src/engine/recognizer-engines.ts), which
# names the source's .ts file: point the bundle at the bundled one.
grep -q '"./sherpa/sherpa-recognizer.ts"' .gpu/srv/earshot.js
sed -i 's#"./sherpa/sherpa-recognizer.ts"#"./sherpa/sherpa-recognizer.js"#' .gpu/srv/earshot.js
node --import tsx -e "import('./bench/audio/bench-utterances.ts').then((m) => m.benchUtterances('bench/.cache/audio', 32))"
tar cJf .gpu/audio.tar.xz -C bench/.cache audio

# 6. The >= 30 M-parameter bench model, without its weights.
[ -f "$model/model.onnx" ] || /usr/bin/python3 training/make_fixture.py --out "$model" \
  --d-model 320 --layers 13 --heads 8 --conv-kernel 15 --sub-channels 64
/usr/bin/python3 bench/gpu/model-skeleton.py strip "$model" .gpu/model
du -sh .gpu .gpu/*
echo "carry: .gpu (see bench/gpu/README.md)"
