"""Build the training features and the held-out evaluation WAVs.

    /usr/bin/python3 training/synth.py --out /tmp/earshot-data --seed 1234

Writes into --out:
  shard_NNN.npy     float16 (frames, 80) log-mel of the shard's utterances, concatenated
  shard_NNN.json    per utterance: offset, frames, text, source (written last: shard complete)
  train_text.txt    all transcripts (for the BPE model), written at the start
  eval/<set>/*.wav + eval/<set>.tsv   held-out sets (clean 16 kHz WAVs, no augmentation)
Held out, never in training: the sentences returned as held-out by textgen.build_texts, the
espeak-ng variants m7 and f4 (with any base voice), flite's rms voice, FSDD speakers theo and
yweweler, and jfk.wav.
"""
import argparse
import glob
import json
import os
import random
import sys
import time
from multiprocessing import Pool

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audio  # noqa: E402
import textgen  # noqa: E402

ESPEAK_BASES = ["en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-gb-x-gbclan",
                "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
# Human-like variants only (robots, whisper, croak etc. left out). m7 and f4 are held out.
ESPEAK_VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "m6", "m8", "f1", "f2", "f3", "f5",
                   "klatt", "klatt2", "klatt3", "klatt4", "Andy", "Annie", "aunty", "belinda",
                   "benjamin", "caleb", "david", "ed", "edward", "Gene", "linda", "john", "max",
                   "Michael", "paul", "rob", "robert", "steph", "travis", "victor", "norbert",
                   "shelby", "quincy", "grandma", "grandpa", "Lee", "Alex", "Alicia", "Andrea",
                   "Denis", "Mike", "iven", "Hugo", "adam", "zac", "anika", "antonio", "Mario"]
HELDOUT_ESPEAK = ["en-us+m7", "en-gb+f4"]
FLITE_TRAIN = ["kal", "kal16", "awb", "slt"]
HELDOUT_FLITE = "rms"
FESTIVAL = ["kal_diphone", "cmu_us_slt_arctic_hts"]
FSDD_TRAIN = ["george", "jackson", "lucas", "nicolas"]
FSDD_TEST = ["theo", "yweweler"]


def pick_voice(r):
    u = r.random()
    if u < 0.68:
        v = r.choice(ESPEAK_BASES) + ("+" + r.choice(ESPEAK_VARIANTS[1:])
                                      if r.random() < 0.85 else "")
        return "espeak", v
    if u < 0.97:
        return "flite", r.choice(FLITE_TRAIN)
    return "festival", r.choice(FESTIVAL)


def tts_job(job):
    """One synthetic training utterance -> (float16 feats, text, source) or None. With
    --tts-warp, its spectrum is shifted by a random +-CENTS: new pseudo-voices between and
    beyond the TTS voices (vocal-tract length is what differs most between real speakers)."""
    i, text, engine, voice, seed, clean_prob, warp = job
    rng = np.random.default_rng(seed)
    try:
        x = audio.tts(engine, voice, text, rate=rng.uniform(0.8, 1.3),
                      pitch=int(rng.uniform(25, 75)))
        if warp:  # drawn only when asked, so that sets made without it stay reproducible
            x = audio.shift_spectrum(x, audio.SR, rng.uniform(-warp, warp))
    except Exception:
        return None
    if len(x) < 1600:
        return None
    if clean_prob is not None:  # None: --no-augment
        x = audio.augment(rng, x, clean_prob=clean_prob)
    return audio.fbank(x).astype(np.float16), text, f"{engine}:{voice}"


def fsdd_job(job):
    """FSDD train clips (one digit or a same-speaker digit sequence), augmented; with
    --fsdd-warp, spectrum-shifted so that four speakers become many pseudo-speakers."""
    files, seed, clean_prob, warp = job
    rng = np.random.default_rng(seed)
    cents = rng.uniform(-warp, warp) if warp else 0.0  # one pseudo-speaker per job
    parts, words = [], []
    for f in files:
        x, sr = audio.read_wav(f)
        parts.append(audio.resample(audio.shift_spectrum(x, sr, cents), sr))
        parts.append(np.zeros(int(rng.uniform(0.03, 0.3) * audio.SR), np.float32))
        words.append(textgen.DIGITS[int(os.path.basename(f).split("_")[0])])
    x = np.concatenate(parts[:-1])
    speed = rng.uniform(0.88, 1.12)
    if clean_prob is None:  # --no-augment: speed perturbation only
        x = resample_poly(x, 100, int(round(100 * speed))).astype(np.float32)
    else:
        x = audio.augment(rng, x, clean_prob=clean_prob, band_prob=0.0, speed=speed)
    return audio.fbank(x).astype(np.float16), " ".join(words), "fsdd"


def eval_job(job):
    path, text, engine, voice = job
    x = audio.tts(engine, voice, text)
    audio.write_wav(path, x)
    return path


def fsdd_jobs(r, fsdd_dir, copies, n_seq):
    by_spk = {s: sorted(glob.glob(os.path.join(fsdd_dir, f"*_{s}_*.wav"))) for s in FSDD_TRAIN}
    jobs = [([f], r.randrange(2 ** 31)) for s in FSDD_TRAIN for f in by_spk[s]
            for _ in range(copies)]
    for _ in range(n_seq):
        s = r.choice(FSDD_TRAIN)
        jobs.append((r.sample(by_spk[s], r.randint(2, 5)), r.randrange(2 ** 31)))
    return jobs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/earshot-data")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                     "shared"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--repeat-fortunes", type=float, default=0.35,
                    help="fraction of fortune sentences spoken a second time by another voice")
    ap.add_argument("--fsdd-copies", type=int, default=3)
    ap.add_argument("--fsdd-seqs", type=int, default=2000)
    ap.add_argument("--min-level", type=float, default=None,
                    help="augmented peak level log-uniform in [MIN, 0.95] instead of uniform "
                         "0.05-0.95 (real microphones and FSDD's test speakers are quieter: "
                         "theo's clips peak at ~0.03)")
    ap.add_argument("--fsdd-warp", type=float, default=0,
                    help="shift each FSDD job's spectrum by a random +-CENTS (sox pitch: "
                         "pitch and formants together, duration kept); 0 = off")
    ap.add_argument("--tts-warp", type=float, default=0,
                    help="shift each TTS utterance's spectrum by a random +-CENTS (sox pitch, "
                         "duration kept): pseudo-voices beyond the TTS voices; 0 = off")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--shard-size", type=int, default=1500)
    ap.add_argument("--limit", type=int, default=0, help="debug: only this many TTS jobs")
    ap.add_argument("--no-festival", action="store_true",
                    help="speak festival's share with espeak-ng instead (festival is slow)")
    ap.add_argument("--clean-prob", type=float, default=0.25,
                    help="share of TTS utterances left without noise and reverberation")
    ap.add_argument("--voice-seed", type=int, default=None,
                    help="seed for voices, rates and augmentation (default --seed); the texts "
                         "and the held-out split always follow --seed")
    ap.add_argument("--no-augment", action="store_true",
                    help="speech as the TTS engine / recording gives it: no padding, noise, "
                         "reverberation, band-limiting or level change (FSDD keeps its speed "
                         "perturbation); an easy set to start training on")
    ap.add_argument("--max-utts", type=int, default=0,
                    help="stop after this many training utterances (a random mix of all jobs)")
    ap.add_argument("--resume-shard", type=int, default=0,
                    help="continue an interrupted run: skip the jobs of shards 0..N-1")
    ap.add_argument("--max-seconds", type=float, default=0,
                    help="stop after this many seconds of synthesis, keeping what is done")
    ap.add_argument("--no-eval", action="store_true",
                    help="skip the held-out WAVs (e.g. for extra sets beside a first one)")
    ap.add_argument("--espeak-path", default=os.environ.get(audio.ESPEAK_DATA_ENV, ""),
                    help="espeak-ng data folder (default: $%s, else the system one)"
                         % audio.ESPEAK_DATA_ENV)
    ap.add_argument("--texts", choices=["default", "wordnet", "wordnet-definitions"], default="default",
                    help="wordnet: speak WordNet's example sentences (textgen.wordnet_sentences, "
                         "Debian's wordnet-base) instead of the training texts; wordnet-definitions: "
                         "its definitions (textgen.wordnet_definitions); the held-out split is "
                         "unchanged and none of its sentences is spoken")
    ap.add_argument("--text-root", default="",
                    help="root holding usr/share/games/fortunes and usr/share/dict/ (default /)")
    a = ap.parse_args()
    if a.espeak_path:  # the Pool's workers inherit it
        os.environ[audio.ESPEAK_DATA_ENV] = a.espeak_path
    if a.text_root:
        textgen.set_text_root(a.text_root)
    os.makedirs(os.path.join(a.out, "eval"), exist_ok=True)
    r = random.Random(a.seed)
    train, held = textgen.build_texts(a.seed)
    if a.texts != "default":
        source = textgen.wordnet_sentences if a.texts == "wordnet" else textgen.wordnet_definitions
        held_set = set(held)
        train = [t for t in source() if t not in held_set]
    if a.voice_seed is not None:
        r = random.Random(a.voice_seed)
    extra = [t for t in train if len(t.split()) >= 5 and r.random() < a.repeat_fortunes]
    texts = train + extra
    jobs = [(i, t, *pick_voice(r), r.randrange(2 ** 31)) for i, t in enumerate(texts)]
    if a.no_festival:  # deterministic substitute voice, without consuming `r`
        jobs = [(i, t, "espeak", ESPEAK_BASES[s % 8] + "+" + ESPEAK_VARIANTS[1 + s % 53], s)
                if e == "festival" else (i, t, e, v, s) for i, t, e, v, s in jobs]
    if a.limit:
        jobs = jobs[: a.limit]
    fsdd_dir = os.path.join(a.shared, "data", "fsdd", "recordings")
    if not glob.glob(os.path.join(fsdd_dir, "*_george_*.wav")):
        sys.exit(f"no FSDD train clips in {fsdd_dir} (see --shared)")
    fjobs = fsdd_jobs(r, fsdd_dir, a.fsdd_copies, a.fsdd_seqs)
    if a.limit:
        fjobs = fjobs[: a.limit]

    # Held-out evaluation sets: clean audio, fixed sentences, unseen voices/speakers.
    ejobs, tsv = [], {}
    for name, engine, voice in [("espeak_heldout", "espeak", v) for v in HELDOUT_ESPEAK] + \
                               [("flite_rms", "flite", HELDOUT_FLITE)]:
        d = os.path.join(a.out, "eval", name)
        os.makedirs(d, exist_ok=True)
        for k, t in enumerate(held):
            p = os.path.join(d, f"{voice.replace('+', '_')}_{k:03d}.wav")
            ejobs.append((p, t, engine, voice))
            tsv.setdefault(name, []).append(f"{os.path.relpath(p, a.out)}\t{t}")
    for name, lines in tsv.items():
        with open(os.path.join(a.out, "eval", name + ".tsv"), "w") as f:
            f.write("\n".join(lines) + "\n")

    # All planned transcripts, so the BPE model can be trained before synthesis ends.
    digit = lambda f: textgen.DIGITS[int(os.path.basename(f).split("_")[0])]
    with open(os.path.join(a.out, "train_text.txt"), "w") as f:
        f.write("\n".join([j[1] for j in jobs] +
                          [" ".join(digit(x) for x in j[0]) for j in fjobs]) + "\n")
    t0 = time.time()
    shards = ShardWriter(a.out, a.shard_size)
    with Pool(a.procs, initializer=_worker_init, initargs=(a.min_level,)) as pool:
        if not a.no_eval and not os.path.exists(os.path.join(a.out, "eval", "done")):
            list(pool.imap_unordered(eval_job, ejobs, chunksize=8))
            open(os.path.join(a.out, "eval", "done"), "w").close()
            print(f"eval wavs: {len(ejobs)} in {time.time() - t0:.0f}s", flush=True)
        # Interleave FSDD and TTS jobs so that every shard has the full mix.
        fsdd_clean = 0.2 if a.clean_prob <= 0.25 else a.clean_prob  # FSDD: 0.2 by default
        tts_clean = a.clean_prob
        if a.no_augment:  # None: no augmentation (FSDD keeps its speed perturbation)
            fsdd_clean = tts_clean = None
        tagged = [(fsdd_job, (*j, fsdd_clean, a.fsdd_warp)) for j in fjobs] + \
            [(tts_job, (*j, tts_clean, a.tts_warp)) for j in jobs]
        r.shuffle(tagged)
        tagged = tagged[a.resume_shard * a.shard_size:]
        shards.n = a.resume_shard
        for n, res in enumerate(pool.imap(run_job, tagged, chunksize=8)):
            if res is not None:
                shards.add(*res)
            if a.max_utts and len(shards.texts) >= a.max_utts:
                break
            if a.max_seconds and time.time() - t0 > a.max_seconds:
                print(f"--max-seconds reached after {n + 1} jobs", flush=True)
                break
            if n % 1000 == 0:
                print(f"{n}/{len(tagged)} {shards.hours:.2f} h {time.time() - t0:.0f}s",
                      flush=True)
    shards.flush()
    print(f"done: {len(shards.texts)} utterances, {shards.hours:.2f} h, {time.time() - t0:.0f}s")


def _worker_init(min_level=None):
    import torch
    torch.set_num_threads(1)  # one process per core already
    audio.MIN_LEVEL = min_level


def run_job(tagged):
    fn, job = tagged
    return fn(job)


class ShardWriter:
    """Writes shard_NNN.npy (float16 feats, concatenated) + shard_NNN.json (index) as
    utterances arrive, so training can start on the first shards while synthesis runs."""

    def __init__(self, out, size):
        self.out, self.size, self.n = out, size, 0
        self.feats, self.index, self.texts, self.frames = [], [], [], 0

    def add(self, f, text, src):
        self.index.append({"offset": sum(len(x) for x in self.feats), "frames": len(f),
                           "text": text, "src": src})
        self.feats.append(f)
        self.texts.append(text)
        self.frames += len(f)
        if len(self.feats) >= self.size:
            self.flush()

    def flush(self):
        if not self.feats:
            return
        p = os.path.join(self.out, f"shard_{self.n:03d}")
        np.save(p + ".npy", np.concatenate(self.feats))
        with open(p + ".json.tmp", "w") as f:
            json.dump(self.index, f)
        os.replace(p + ".json.tmp", p + ".json")  # the .json appearing marks a complete shard
        self.n += 1
        self.feats, self.index = [], []

    @property
    def hours(self):
        return self.frames / 360000

if __name__ == "__main__":
    main()
