#!/usr/bin/env bash
# Runs THERE: on a lent GPU machine (Ubuntu 24.04, 16 cores, PyTorch 2.11 + CUDA in its
# python3, no Node, no registry, no TTS engines), from the repository root, with the folder
# that training/gpu/prepare.sh packed here carried along:
#   run {command: "bash training/gpu/run.sh", carry: [".gpu-train"], timeout_s: 600}
# Phases, each under a hard `timeout` so that something always comes back in $OUT:
#   1. unpack the espeak-ng/flite .debs into /tmp/x, the FSDD clips and texts into $WORK
#   2. synthesize three training sets in parallel on all cores (synth.py)
#   3. train on cuda for a fixed wall-clock budget (train.py, no ONNX export there)
# Back in $OUT: weights.npz (train.py --save-weights; export.py --weights makes model.onnx
# here), train.log, synth.log, run.log (everything, with the timing of each phase).
# EARSHOT_GPU_TRANSDUCER=1: phase 3 trains the transducer of training/transducer.py instead,
# jointly with its encoder, from $PACK/init-rnnt.npz (prepare.sh with EARSHOT_RNNT_FROM);
# back comes rnnt-weights.npz (export_transducer.py --weights makes the ONNX files here).
# EARSHOT_GPU_SMOKE=1: a few hundred utterances, a 1-minute budget, --device cpu — the
# rehearsal of this script on a machine without a GPU (see training/README.md).
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?OUT must name the folder whose files come back}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1

PY=${EARSHOT_PYTHON:-python3}
X=${EARSHOT_DEB_ROOT:-/tmp/x}           # where the .debs are unpacked
WORK=${EARSHOT_GPU_WORK:-/tmp/earshot-gpu}
PACK=.gpu-train
SMOKE=${EARSHOT_GPU_SMOKE:-0}
NPROC=$(nproc)
if [ "$SMOKE" = 1 ]; then
  DEVICE=${EARSHOT_GPU_DEVICE:-cpu}
  # Slack for a loaded 2-core box, where python startup alone can take a minute.
  UTTS_A=200 UTTS_B=100 UTTS_C=100 SYNTH_S=120 SLACK=1200 BUDGET_MIN=1 TRAIN_TIMEOUT=900
  SIZE=(--d-model 64 --layers 2 --max-frames 6000 --warmup 20)
else
  DEVICE=${EARSHOT_GPU_DEVICE:-cuda}
  # ~56k utterances (~40 h): texts repeat across the sets, voices and augmentation do not.
  UTTS_A=16000 UTTS_B=16000 UTTS_C=24000 SYNTH_S=140 SLACK=60 BUDGET_MIN=4.5 TRAIN_TIMEOUT=360
  # 5.6 M parameters (fp16 weights.npz ~11 MiB: a returned file holds at most 16 MiB).
  SIZE=(--d-model 288 --layers 5 --max-frames 48000 --warmup 200 --lr 2e-3)
fi
# Fine-tuning instead of a fresh model: $PACK/init holds ckpt.pt (weights, fp16 to fit the
# 64 MiB carry; step/epoch/rng of the run it came from, elapsed 0) and that run's bpe.model, so
# that token ids stay those of the shipped model. The architecture must be the checkpoint's.
# EARSHOT_GPU_LAYERS=N (N > the checkpoint's 4): grow it N layers deep instead (train.py
# --init-from: the new GRU layers start as identities; a new run, so no --reset-opt).
GROW=${EARSHOT_GPU_LAYERS:-}
INIT=0
if [ -f "$PACK/init/ckpt.pt" ] && [ "${EARSHOT_GPU_FRESH:-0}" != 1 ]; then
  INIT=1
  if [ -n "$GROW" ]; then SIZE=(--d-model 256 --layers "$GROW" --init-from "$PACK/init/ckpt.pt")
  else SIZE=(--d-model 256 --layers 4 --reset-opt); fi
  if [ "$SMOKE" = 1 ]; then SIZE+=(--max-frames 6000 --warmup 5 --lr 3e-4)
  else SIZE+=(--max-frames 24000 --warmup 100 --lr 1e-3); fi
fi
# The transducer (training/README.md, "Eleventh session"): encoder at half the learning rate.
RNNT=${EARSHOT_GPU_TRANSDUCER:-0}
if [ "$RNNT" = 1 ]; then
  if [ "$SMOKE" = 1 ]; then RNNT_ARGS=(--max-frames 6000 --warmup 5 --lr 3e-4)
  else RNNT_ARGS=(--max-frames 24000 --warmup 100 --lr 5e-4); fi
fi
SYNTH_S=${EARSHOT_SYNTH_SECONDS:-$SYNTH_S}
TRAIN_TIMEOUT=${EARSHOT_TRAIN_TIMEOUT:-$TRAIN_TIMEOUT}
BUDGET_MIN=${EARSHOT_TRAIN_MINUTES:-$BUDGET_MIN}

t_all=$(date +%s)
phase() { echo "=== $1: $(( $(date +%s) - t_all )) s since start ($(date -u +%H:%M:%S))"; }

phase "unpack"
[ -d "$PACK/debs" ] || { echo "no $PACK/: run training/gpu/prepare.sh here first, carry it"; exit 2; }
[ "$RNNT" != 1 ] || [ -f "$PACK/init-rnnt.npz" ] ||
  { echo "no $PACK/init-rnnt.npz: EARSHOT_RNNT_FROM=RUN_DIR bash training/gpu/prepare.sh"; exit 2; }
mkdir -p "$X" "$WORK"
for f in "$PACK"/debs/*.deb; do timeout 60 dpkg-deb -x "$f" "$X" || exit 3; done
# tar's xz filter needs the xz program; Python's tarfile + lzma needs nothing more.
timeout 120 "$PY" - "$PACK" "$WORK/assets" <<'PYEOF' || exit 3
import sys, tarfile
for name in ("fsdd-train.tar.xz", "text.tar.xz"):
    with tarfile.open(f"{sys.argv[1]}/{name}") as t:
        t.extractall(sys.argv[2])
PYEOF
LIBS="$PWD/$PACK/lib:$X/usr/lib/x86_64-linux-gnu"
ESPEAK_DATA="$X/usr/lib/x86_64-linux-gnu/espeak-ng-data"
# TTS tools from the debs only, and their libraries for them only (not for python/torch).
tts_env=(env "PATH=$X/usr/bin:$PATH" "LD_LIBRARY_PATH=$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
         "EARSHOT_ESPEAK_DATA=$ESPEAK_DATA" OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1)

phase "preflight"
"${tts_env[@]}" espeak-ng --path="$ESPEAK_DATA" -v en-us+m3 -w "$WORK/pre-espeak.wav" "one two three" &&
  "${tts_env[@]}" flite -voice slt -t "one two three" -o "$WORK/pre-flite.wav" ||
  { echo "TTS preflight failed:"; "${tts_env[@]}" ldd "$X/usr/bin/espeak-ng" "$X/usr/bin/flite"; exit 4; }
"${tts_env[@]}" ldd "$X/usr/bin/espeak-ng" | grep -E 'espeak|pcaudio|sonic'
timeout 120 "$PY" -c "
import torch, torchaudio.compliance.kaldi, sentencepiece, scipy, numpy, sys
sys.path.insert(0, 'training'); import audio
x, sr = audio.read_wav('$WORK/pre-espeak.wav')
print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else '-',
      '| espeak wav', sr, 'Hz', len(x), 'samples, fbank', audio.fbank(audio.resample(x, sr)).shape)
" || exit 4
if [ "$DEVICE" = cuda ]; then nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true; fi

phase "synth (3 sets, $NPROC cores, stop after ${SYNTH_S}s)"
p1=$(( NPROC * 5 / 16 )); p2=$(( NPROC * 5 / 16 )); p3=$(( NPROC - p1 - p2 ))
[ "$p1" -ge 1 ] || p1=1; [ "$p2" -ge 1 ] || p2=1; [ "$p3" -ge 1 ] || p3=1
common=(--seed 1234 --no-festival --shared "$WORK/assets" --text-root "$WORK/assets"
        --max-seconds "$SYNTH_S" --shard-size 1000)
synth() {  # name procs args...
  local name=$1 procs=$2; shift 2
  timeout $(( SYNTH_S + SLACK )) "${tts_env[@]}" "$PY" training/synth.py --out "$WORK/$name" \
    --procs "$procs" "${common[@]}" "$@" > "$WORK/synth-$name.log" 2>&1
  echo "synth $name: rc $? $(tail -n 1 "$WORK/synth-$name.log")"
}
# Quiet audio down to a 0.005 peak (FSDD's test speakers peak at 0.03-0.06; training/README.md
# "Data"); spectrum-shifted FSDD pseudo-speakers where sox exists (the bare machine may lack it).
warp=(); command -v sox > /dev/null && warp=(--fsdd-warp 300)
synth plain "$p1" --no-augment --voice-seed 77 --max-utts "$UTTS_A" & j1=$!
synth clean "$p2" --clean-prob 0.9 --voice-seed 99 --max-utts "$UTTS_B" --no-eval --min-level 0.005 & j2=$!
# The transducer's third set speaks WordNet's example sentences instead (training/README.md,
# "Thirteenth session": new text, not more voices, is what held-out sentences need).
if [ "$RNNT" = 1 ]; then third=(--texts wordnet --clean-prob 0.5 --fsdd-copies 0 --fsdd-seqs 0)
else third=("${warp[@]}"); fi
synth aug "$p3" --max-utts "$UTTS_C" --no-eval --min-level 0.005 "${third[@]}" & j3=$!
wait "$j1" "$j2" "$j3"  # a bare `wait` would also wait for the tee of `exec > >(...)`
for n in plain clean aug; do echo "--- $n"; cat "$WORK/synth-$n.log"; done > "$OUT/synth.log"
ls "$WORK"/plain/shard_000.json > /dev/null || { echo "no training data"; exit 5; }

if [ "$RNNT" = 1 ]; then
  phase "train the transducer ($DEVICE, ${BUDGET_MIN} min budget)"
  timeout "$TRAIN_TIMEOUT" env PYTHONUNBUFFERED=1 "$PY" training/train_transducer.py \
    --data "$WORK/plain,$WORK/clean,$WORK/aug" --exp "$WORK/rnnt" --device "$DEVICE" \
    --init-from "$PACK/init-rnnt.npz" --encoder-lr-scale 0.5 --budget-min "$BUDGET_MIN" \
    --export-min 0 --save-min 1 --save-weights "$OUT/rnnt-weights.npz" --no-export \
    --seed 1234 "${RNNT_ARGS[@]}" ${EARSHOT_TRAIN_ARGS:-} 2>&1 | tee "$OUT/train.log"
  echo "train: rc ${PIPESTATUS[0]}"
  phase "done"
  ls -la "$OUT"
  exit 0
fi
phase "train ($DEVICE, ${BUDGET_MIN} min budget, init $INIT${GROW:+, grown to $GROW layers})"
if [ "$INIT" = 1 ]; then
  mkdir -p "$WORK/exp" && cp "$PACK/init/bpe.model" "$WORK/exp/"
  [ -n "$GROW" ] || cp "$PACK/init/ckpt.pt" "$WORK/exp/"
fi
timeout "$TRAIN_TIMEOUT" env PYTHONUNBUFFERED=1 "$PY" training/train.py \
  --data "$WORK/plain,$WORK/clean,$WORK/aug" --exp "$WORK/exp" --device "$DEVICE" \
  --budget-min "$BUDGET_MIN" --export-min 0 --save-min 1 --save-weights "$OUT/weights.npz" \
  --seed 1234 --encoder gru --ff-mult 2 --conv-kernel 5 --sub-channels 32 --vocab 64 \
  --lr 1.5e-3 --specaug 0 --dropout 0 "${SIZE[@]}" ${EARSHOT_TRAIN_ARGS:-} \
  2>&1 | tee "$OUT/train.log"
echo "train: rc ${PIPESTATUS[0]}"

phase "done"
ls -la "$OUT"
