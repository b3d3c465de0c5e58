#!/usr/bin/env bash
# Runs on a lent GPU machine (the `device` tool), from the repository root, with .gpu/ carried
# (bench/gpu/prepare-gpu-bundle.sh made it here). Steps follow ../shared/ENVIRONMENT.md "GPU
# machine"; the whole device budget is 15 minutes, so every step has its own time limit.
# EARSHOT_GPU_STEPS picks the steps, in order (default: all of them):
#   capacity   engine capacity per batch size: WebGPU keeping the states on the GPU (state
#              carry) vs copying them every call, side by side;
#   profile    where a WebGPU call's time goes (onnxruntime profile, batch 16 and 128, both modes);
#   parallel   4, 8 and 16 processes, each with its own WebGPU session, decoding at once: how far
#              one GPU goes with several worker processes (cluster mode's deployment);
#   postmortem the post-mortem through the gateway: Earshot on WebGPU vs the serial design on
#              WebGPU vs sherpa-onnx-node on the machine's CPU cores, 500 sessions, 60 s timeout.
# Results: $OUT/run-on-gpu.log (the tables) and $OUT/results.tgz (JSON, HTML, GPU samples).
#   run {command: "bash bench/gpu/run-on-gpu.sh", carry: [".gpu"], timeout_s: 600}
# A rehearsal here (no GPU):
#   OUT=/tmp/o EARSHOT_NODE=$(command -v node) EARSHOT_PYTHON=/usr/bin/python3 EARSHOT_GPU_REHEARSAL=1 \
#     EARSHOT_GPU_PROVIDER=cpu EARSHOT_GPU_SESSIONS=40 EARSHOT_GPU_BATCHES=1,4 EARSHOT_GPU_PROFILE_BATCHES=4 \
#     EARSHOT_GPU_PARALLEL_BATCH=2 bash bench/gpu/run-on-gpu.sh
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run-on-gpu.log") 2>&1
t0=$(date +%s)
phase() { echo "=== $1: $(( $(date +%s) - t0 )) s"; }
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

step_capacity() {
  capacity "$gpu:carry" "${EARSHOT_GPU_BATCHES:-1,16,64,256}" 75 --json "$res/capacity-carry.json"
  capacity "$gpu:copy" "${EARSHOT_GPU_BATCHES:-1,16,64,256}" 75 --json "$res/capacity-copy.json" --no-header
}

step_profile() {
  for mode in carry copy; do
    for b in ${EARSHOT_GPU_PROFILE_BATCHES:-16 128}; do
      capacity "$gpu:$mode" "$b" 50 --profile "$res/trace$b" --json "$res/profile-$mode-$b.json" --no-header
    done
  done
  rm -f "$res"/trace*.json # tens of MB each; the summaries are in the JSON and the log
}

step_parallel() {
  # The carry where it ran (capacity-carry.json has rows), else the copy.
  local mode=copy
  grep -q '"rtStreams"' "$res/capacity-carry.json" 2>/dev/null && mode=carry
  for procs in ${EARSHOT_GPU_PROCS:-4 8 16}; do
    local pids=()
    for i in $(seq "$procs"); do
      timeout 75 "$node" .gpu/gpu-capacity.mjs --model "$model" --wav .gpu/jfk.wav --variants "$gpu:$mode" \
        --batches "${EARSHOT_GPU_PARALLEL_BATCH:-64}" --threads 2 --min-seconds 20 --binding onnxruntime-node --no-header \
        --json "$res/parallel-$procs-$i.json" > "$res/parallel-$procs-$i.log" 2>&1 &
      pids+=($!)
    done
    wait "${pids[@]}" # not a bare wait: the GPU sampler and the log's tee never end
    ${EARSHOT_PYTHON:-python3} - "$res" "$procs" "$mode" "${EARSHOT_GPU_PARALLEL_BATCH:-64}" <<'PY'
import glob, json, sys
res, procs, mode, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = []
for f in sorted(glob.glob(f"{res}/parallel-{procs}-*.json")):
    for r in json.load(open(f))["results"]:
        rows += r["batches"] or [{"rtStreams": 0, "msPerCall": float("nan"), "error": r.get("error", "?")}]
total = sum(r["rtStreams"] for r in rows)
each = ", ".join("%.0f" % r["rtStreams"] for r in rows)
ms = ", ".join("%.0f" % r["msPerCall"] for r in rows)
print(f"| {procs} processes x {mode}, batch {batch} | {total:.0f} RT streams in all | per process: {each} | ms per call: {ms} |")
PY
  done
}

step_postmortem() {
  EARSHOT_CLI=.gpu/srv/earshot.js timeout 300 "$node" .gpu/srv/earshot.js bench postmortem --model "$model" \
    --model-label "heavy-31m (31.2 M-parameter random-weight conformer CTC)" --variants earshot,serial,sherpa-onnx \
    --sessions "${EARSHOT_GPU_SESSIONS:-500}" --workers 1 --max-batch 128 --serve-arg="--provider $gpu" --out "$res" --tag gpu-heavy
  echo "| postmortem: rc $? |"
}

for step in ${EARSHOT_GPU_STEPS:-capacity profile parallel postmortem}; do
  phase "$step"
  "step_$step"
done
phase "done"
kill "$smi" 2>/dev/null
ls -la "$res"
