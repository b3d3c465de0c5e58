#!/usr/bin/env bash
# Rehearses run.sh HERE, as close to the lent machine as a CPU box allows: a copy of the
# tracked tree + .gpu-train (no node_modules), an empty environment (env -i), a PATH of
# symlinks to basic tools and python3 only (no espeak-ng, no flite: the unpacked debs must
# serve), EARSHOT_GPU_SMOKE=1 (few utterances, 1 minute, --device cpu). Afterwards it checks
# with strace that espeak-ng ran from the unpacked debs, and exports the returned weights
# with export.py --weights + the sherpa-onnx check. Run under nice on a shared machine:
#   nice -n 19 bash training/gpu/simulate.sh [SIM_DIR]   (default /tmp/gpusim)
# EARSHOT_GPU_LAYERS and EARSHOT_GPU_TRANSDUCER pass through (run.sh's other paths).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
sim=${1:-/tmp/gpusim}
rm -rf "$sim"
mkdir -p "$sim/repo" "$sim/bin" "$sim/home" "$sim/out"
git ls-files -z | xargs -0 cp --parents -t "$sim/repo"
cp -r .gpu-train "$sim/repo/"
for t in bash sh env nproc date mkdir dpkg-deb dpkg tar tee ls cat tail head grep sed timeout \
         ldd dirname rm cp xz gzip; do
  ln -s "$(command -v $t)" "$sim/bin/$t"
done
ln -s /usr/bin/python3 "$sim/bin/python3"
! env -i PATH="$sim/bin" bash -c 'command -v espeak-ng || command -v flite' || {
  echo "TTS reachable through the simulated PATH"; exit 1; }

(cd "$sim/repo" && env -i PATH="$sim/bin" HOME="$sim/home" OUT="$sim/out" EARSHOT_GPU_SMOKE=1 \
  EARSHOT_DEB_ROOT="$sim/x" EARSHOT_GPU_WORK="$sim/work" \
  ${EARSHOT_GPU_LAYERS:+EARSHOT_GPU_LAYERS=$EARSHOT_GPU_LAYERS} \
  ${EARSHOT_GPU_TRANSDUCER:+EARSHOT_GPU_TRANSDUCER=$EARSHOT_GPU_TRANSDUCER} bash training/gpu/run.sh)

echo "=== strace: files espeak-ng opens"
libs="$sim/repo/.gpu-train/lib:$sim/x/usr/lib/x86_64-linux-gnu"
env -i PATH="$sim/x/usr/bin" LD_LIBRARY_PATH="$libs" "$(command -v strace)" -f -e trace=openat -o "$sim/strace.txt" \
  espeak-ng --path="$sim/x/usr/lib/x86_64-linux-gnu/espeak-ng-data" -v en-us -w "$sim/s.wav" "hello"
grep -v ENOENT "$sim/strace.txt" | grep -oE '"/[^"]*(\.so[^"/]*|espeak-ng-data)' | sort -u
if grep -v ENOENT "$sim/strace.txt" | grep -E '"/usr/lib/x86_64-linux-gnu/(libespeak|espeak-ng-data|libpcaudio|libsonic)'; then
  echo "FAIL: system espeak-ng files were used"; exit 1
fi
echo "ok: espeak-ng, its libraries and data came from the unpacked debs and the stub"

echo "=== export --weights (here, with Node for the sherpa-onnx check)"
ls -la "$sim/out"
if [ "${EARSHOT_GPU_TRANSDUCER:-0}" = 1 ]; then
  exec /usr/bin/python3 training/export_transducer.py --weights "$sim/out/rnnt-weights.npz" \
    --out "$sim/model" --check-list "$sim/work/plain/eval/espeak_heldout.tsv" --check-n 5
fi
/usr/bin/python3 training/export.py --weights "$sim/out/weights.npz" --out "$sim/model" \
  --check-list "$sim/work/plain/eval/espeak_heldout.tsv" --check-n 5 --numeric
