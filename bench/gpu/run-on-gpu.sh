#!/usr/bin/env bash
# Runs on a lent GPU machine (the `device` tool), from the repository root, with .gpu/,
# bench/.cache/audio and bench/.cache/models carried (bench/gpu/README.md). Results go to $OUT.
# Steps follow ../shared/ENVIRONMENT.md "GPU machine"; the whole device budget is 15 minutes.
set -euo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
MODEL=${MODEL:-bench/.cache/models/heavy-29m}
exec > >(tee "$OUT/run-on-gpu.log") 2>&1

# Vulkan loader for WebGPU (Dawn) + the NVIDIA ICD the machine provides.
for f in .gpu/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
xz -dc .gpu/node.xz > /tmp/node && chmod +x /tmp/node
tar xJf .gpu/nm.tar.xz
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
nproc | sed 's/^/cores: /' | tee -a "$OUT/gpu.txt"

# 1. Engine bench (bench/engine-bench.ts): Earshot's engine vs sherpa-onnx-node, same model, 16 cores' CPU.
timeout 200 /tmp/node --expose-gc --import tsx bench/engine-bench.ts --model "$MODEL" --streams 64 --batches 1,16,64 \
  --threads 4 --repeats 1 | tee "$OUT/engine-bench.txt" || echo "engine bench failed or timed out: $?"

# 2. The post-mortem, side by side; Earshot's pool on WebGPU (4 workers), the baselines as usual.
timeout 300 /tmp/node bin/earshot.js bench postmortem --timeout-ms 60000 --model "$MODEL" --model-label "heavy random-weight CTC (28.8 M)" \
  --workers 4 --serve-arg "--provider webgpu" --out "$OUT" --tag gpu || echo "postmortem failed or timed out: $?"
ls -la "$OUT"
