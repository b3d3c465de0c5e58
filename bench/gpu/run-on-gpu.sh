#!/usr/bin/env bash
# Runs on a lent GPU machine (the `device` tool), from the repository root, with .gpu/ carried
# (bench/gpu/prepare-gpu-bundle.sh made it here). Steps follow ../shared/ENVIRONMENT.md "GPU
# machine"; the whole device budget is 15 minutes, so every step has its own time limit and the
# most wanted results come first:
#   1. where a WebGPU call's time goes (onnxruntime profile, batch 16 and 128);
#   2. the post-mortem through the gateway: Earshot on WebGPU vs the serial design on WebGPU vs
#      sherpa-onnx-node on the machine's CPU cores, 500 sessions, 60 s timeout;
#   3. engine capacity per batch size: WebGPU copying the states vs keeping them on the GPU.
# Results: $OUT/run-on-gpu.log (the tables) and $OUT/results.tgz (JSON, HTML, GPU samples).
#   run {command: "bash bench/gpu/run-on-gpu.sh", carry: [".gpu"], timeout_s: 600}
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run-on-gpu.log") 2>&1
t0=$(date +%s)
phase() { echo "=== $1: $(( $(date +%s) - t0 )) s"; }
# A rehearsal here (no GPU): EARSHOT_GPU_REHEARSAL=1 EARSHOT_GPU_PROVIDER=cpu EARSHOT_GPU_SESSIONS=40
gpu=${EARSHOT_GPU_PROVIDER:-webgpu}
res=/tmp/gpu-results
mkdir -p "$res"
pack() { tar czf "$OUT/results.tgz" -C "$res" .; }
trap pack EXIT

phase "unpack"
# Vulkan loader for WebGPU (Dawn) + the NVIDIA ICD the machine provides.
# EARSHOT_GPU_REHEARSAL=1 (a machine without a GPU) leaves the system's libraries alone.
if [ -z "${EARSHOT_GPU_REHEARSAL:-}" ]; then for f in .gpu/gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
node=${EARSHOT_NODE:-/tmp/node}
[ -x "$node" ] || { xz -T0 -dc .gpu/node.xz > "$node" && chmod +x "$node"; }
# node_modules at the root: the bundles in .gpu/ and .gpu/srv/ find their externals there.
[ -d node_modules/onnxruntime-node ] || tar xJf .gpu/nm.tar.xz
[ -d node_modules/sherpa-onnx-node ] || tar xJf .gpu/sherpa.tar.xz
mkdir -p bench/.cache && tar xJf .gpu/audio.tar.xz -C bench/.cache
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; nproc | sed 's/^/cores: /'
  grep -m1 'model name' /proc/cpuinfo; free -g | sed -n 2p; } 2>&1 | tee "$res/machine.txt"
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader -l 1 > "$res/gpu-samples.csv" 2>/dev/null &
smi=$!

phase "model (weights regenerated from the skeleton)"
model=/tmp/heavy-31m
${EARSHOT_PYTHON:-python3} bench/gpu/model-skeleton.py fill .gpu/model "$model" || exit 3

capacity() { # capacity <variant> <batches> <seconds> [extra args]
  local v=$1 b=$2 s=$3; shift 3
  timeout "$s" "$node" .gpu/gpu-capacity.mjs --model "$model" --wav .gpu/jfk.wav --variants "$v" \
    --batches "$b" --threads "$(nproc)" --max-seconds 20 --binding onnxruntime-node "$@"
  echo "| $v (batches $b): rc $? |"
}

phase "1. profile"
capacity $gpu:copy 16 45 --profile "$res/trace16" --json "$res/profile-16.json"
capacity $gpu:copy 128 50 --profile "$res/trace128" --json "$res/profile-128.json" --no-header
rm -f "$res"/trace*.json # tens of MB each; the summaries are in the JSON and the log

phase "2. post-mortem through the gateway"
EARSHOT_CLI=.gpu/srv/earshot.js timeout 300 "$node" .gpu/srv/earshot.js bench postmortem --model "$model" \
  --model-label "heavy-31m (31.2 M-parameter random-weight conformer CTC)" --variants earshot,serial,sherpa-onnx \
  --sessions "${EARSHOT_GPU_SESSIONS:-500}" --workers 1 --max-batch 128 --serve-arg="--provider $gpu" --out "$res" --tag gpu-heavy
echo "| postmortem: rc $? |"

phase "3. capacity: states copied vs kept on the GPU"
capacity $gpu:copy 1,16,64,256 70 --json "$res/capacity-webgpu-copy.json"
capacity $gpu:carry 1,16,64,256 70 --json "$res/capacity-webgpu-carry.json" --no-header
phase "done"
kill "$smi" 2>/dev/null
ls -la "$res"
