#!/usr/bin/env bash
# Runs on a lent GPU machine (the `device` tool), from the repository root, with .gpu/ carried
# (bench/gpu/prepare-gpu-bundle.sh made it here). Results go to $OUT. Steps follow
# ../shared/ENVIRONMENT.md "GPU machine"; the whole device budget is 15 minutes.
#   run {command: "bash bench/gpu/run-on-gpu.sh", carry: [".gpu"], timeout_s: 300}
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run-on-gpu.log") 2>&1
t0=$(date +%s)
phase() { echo "=== $1: $(( $(date +%s) - t0 )) s"; }

phase "unpack"
# Vulkan loader for WebGPU (Dawn) + the NVIDIA ICD the machine provides.
# EARSHOT_GPU_REHEARSAL=1 (a machine without a GPU) leaves the system's libraries alone.
if [ -z "${EARSHOT_GPU_REHEARSAL:-}" ]; then for f in .gpu/gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
xz -T0 -dc .gpu/node.xz > /tmp/node && chmod +x /tmp/node
mkdir -p /tmp/gpu-bench && (cd /tmp/gpu-bench && tar xJf "$OLDPWD/.gpu/nm.tar.xz")
cp .gpu/gpu-capacity.mjs .gpu/pffft.wasm /tmp/gpu-bench/
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; nproc | sed 's/^/cores: /'
  grep -m1 'model name' /proc/cpuinfo; } | tee "$OUT/gpu.txt"

phase "model (weights regenerated from the skeleton)"
${EARSHOT_PYTHON:-python3} bench/gpu/model-skeleton.py fill .gpu/model /tmp/heavy-31m || exit 3

phase "capacity"
# One process per variant (a provider that crashes takes only its own rows): WebGPU copying the
# states every call, WebGPU with the state carry (states stay on the GPU), and the same engine on
# the machine's CPU cores. One run, one machine.
header=
for v in ${EARSHOT_GPU_VARIANTS:-webgpu:copy webgpu:carry cpu:copy}; do
  (cd /tmp/gpu-bench && timeout ${EARSHOT_GPU_VARIANT_S:-100} /tmp/node gpu-capacity.mjs --model /tmp/heavy-31m \
    --wav "$OLDPWD/.gpu/jfk.wav" --variants "$v" $header --batches ${EARSHOT_GPU_BATCHES:-1,16,64,256,512} \
    --threads 16 --max-seconds 20 --json "$OUT/gpu-capacity-${v/:/-}.json")
  echo "| $v: rc $? |"
  header=--no-header
done
phase "done"
ls -la "$OUT"
