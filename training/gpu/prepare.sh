#!/usr/bin/env bash
# Runs HERE (Debian 12, with the packages of training/README.md "Setup"): packs into .gpu-train/
# everything that training/gpu/run.sh needs on a lent GPU machine (Ubuntu 24.04, no registry, no
# TTS engines): the espeak-ng and flite .debs, a no-op libpcaudio.so.0, the FSDD train clips,
# the fortunes and word list that textgen.py reads. Idempotent: existing pieces are kept.
# Usage (repository root): bash training/gpu/prepare.sh [SHARED_DIR]   (default ../shared)
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared}
dst=.gpu-train
mkdir -p "$dst/debs"

# 1. TTS engines as .debs (amd64), unpacked with dpkg -x there. A private lists dir, so that
#    no system state changes here. Besides libc/libm, espeak-ng needs libespeak-ng1, libsonic0
#    and libpcaudio0 (stubbed below); flite needs libflite1 and libasound2.
pkgs="espeak-ng espeak-ng-data libespeak-ng1 libsonic0 flite libflite1 libasound2 libasound2-data"
if ! ls "$dst"/debs/flite_*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/earshot-apt-lists'
  mkdir -p /tmp/earshot-apt-lists/partial
  apt-get $o update -qq
  (cd "$dst/debs" && apt-get $o download $pkgs)
fi

# 2. libpcaudio.so.0 stand-in: libespeak-ng links it (-> PulseAudio, absent there); writing WAVs
#    with -w never opens an audio device, so every entry point can be a no-op.
if [ ! -f "$dst/lib/libpcaudio.so.0" ]; then
  mkdir -p "$dst/lib"
  cat > /tmp/earshot-pcaudio-stub.c <<'C'
#include <stddef.h>
struct audio_object;
struct audio_object *create_audio_device_object(const char *d, const char *a, const char *n)
{ (void)d; (void)a; (void)n; return NULL; }
int audio_object_open(struct audio_object *o, int f, unsigned r, unsigned char c)
{ (void)o; (void)f; (void)r; (void)c; return -1; }
void audio_object_close(struct audio_object *o) { (void)o; }
void audio_object_destroy(struct audio_object *o) { (void)o; }
int audio_object_write(struct audio_object *o, const void *d, size_t b)
{ (void)o; (void)d; (void)b; return -1; }
int audio_object_drain(struct audio_object *o) { (void)o; return 0; }
int audio_object_flush(struct audio_object *o) { (void)o; return 0; }
const char *audio_object_strerror(struct audio_object *o, int e)
{ (void)o; (void)e; return "no audio (earshot stub)"; }
C
  gcc -shared -fPIC -O2 -Wl,-soname,libpcaudio.so.0 -o "$dst/lib/libpcaudio.so.0" \
    /tmp/earshot-pcaudio-stub.c
fi

# 3. FSDD train speakers only (synth.py's FSDD_TRAIN; test speakers are held out anyway),
#    in the layout synth.py --shared expects: data/fsdd/recordings/*.wav.
if [ ! -f "$dst/fsdd-train.tar.xz" ]; then
  rec="$shared/data/fsdd/recordings"
  (cd "$rec/../../.." && ls data/fsdd/recordings | grep -E '_(george|jackson|lucas|nicolas)_' |
    sed 's|^|data/fsdd/recordings/|' | tar cf - -T - | xz -6 > "$OLDPWD/$dst/fsdd-train.tar.xz.tmp")
  mv "$dst/fsdd-train.tar.xz.tmp" "$dst/fsdd-train.tar.xz"
fi

# 4. Text sources of textgen.py (Debian's fortunes and wamerican), so that the transcripts,
#    and with them the held-out split, are the same as here; and wordnet-base's data files for
#    synth.py --texts wordnet. A pack made before WordNet was added is made again.
[ -f "$dst/text.tar.xz" ] && ! tar tJf "$dst/text.tar.xz" | grep -q wordnet/data.noun &&
  rm "$dst/text.tar.xz"
if [ ! -f "$dst/text.tar.xz" ]; then
  ls /usr/share/wordnet/data.noun > /dev/null ||
    { echo "no /usr/share/wordnet: apt-get install wordnet-base"; exit 1; }
  find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' \
    -printf 'usr/share/games/fortunes/%f\n' | sort > /tmp/earshot-text-list
  echo usr/share/dict/american-english >> /tmp/earshot-text-list
  printf 'usr/share/wordnet/data.%s\n' noun verb adj adv >> /tmp/earshot-text-list
  tar cf - -C / -T /tmp/earshot-text-list | xz -6 > "$dst/text.tar.xz.tmp"
  mv "$dst/text.tar.xz.tmp" "$dst/text.tar.xz"
fi
# 5. EARSHOT_RNNT_FROM=RUN_DIR (a train_transducer.py folder): the transducer that
#    run.sh's EARSHOT_GPU_TRANSDUCER=1 starts from, as a weights file (no pickle, no onnx there).
if [ -n "${EARSHOT_RNNT_FROM:-}" ]; then
  /usr/bin/python3 training/export_transducer.py --exp "$EARSHOT_RNNT_FROM" --pack "$dst/init-rnnt.npz"
fi
du -sh "$dst"; du -sh "$dst"/* 
