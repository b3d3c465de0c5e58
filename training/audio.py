"""Audio I/O, TTS engines, augmentation and the fbank that sherpa-onnx computes at runtime."""
import os
import subprocess
import tempfile
import wave
from math import gcd

import numpy as np
import torch
import torchaudio
from scipy.signal import fftconvolve, lfilter, resample_poly

SR = 16000
# espeak-ng's data folder when it is not the system one (an unpacked .deb on the GPU machine).
ESPEAK_DATA_ENV = "EARSHOT_ESPEAK_DATA"


def read_wav(path):
    """Mono int16 WAV -> float32 in [-1, 1], sample rate."""
    with wave.open(path, "rb") as w:
        sr, n, ch = w.getframerate(), w.getnframes(), w.getnchannels()
        x = np.frombuffer(w.readframes(n), dtype=np.int16).astype(np.float32) / 32768.0
    if ch > 1:
        x = x.reshape(-1, ch).mean(1)
    return x, sr


def write_wav(path, x, sr=SR):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype(np.int16).tobytes())


def resample(x, sr_in, sr_out=SR):
    if sr_in == sr_out:
        return x
    g = gcd(sr_in, sr_out)
    return resample_poly(x, sr_out // g, sr_in // g).astype(np.float32)


def shift_spectrum(x, sr, cents):
    """Scale every frequency (pitch and formants together, like a shorter or longer vocal
    tract) by 2**(cents/1200) without changing the duration: sox's `pitch` effect. Run at the
    clip's own rate so that a band-limited recording stays band-limited."""
    if abs(cents) < 1:
        return x
    out = subprocess.run(["sox", "-q", "-t", "f32", "-r", str(sr), "-c", "1", "-",
                          "-t", "f32", "-", "pitch", f"{cents:.0f}"],
                         input=np.ascontiguousarray(x, np.float32).tobytes(),
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, np.float32).copy()


def fbank(x):
    """80-bin log-mel exactly as sherpa-onnx feeds NeMo CTC models (MODEL_INTERFACES §1):
    samples in [-1, 1] as they are, povey, dither 0, snip_edges false, 20-7600 Hz."""
    wav = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).unsqueeze(0)
    return torchaudio.compliance.kaldi.fbank(
        wav, sample_frequency=SR, num_mel_bins=80, dither=0.0, snip_edges=False,
        high_freq=-400, low_freq=20, window_type="povey", energy_floor=0.0,
        use_energy=False, preemphasis_coefficient=0.97, remove_dc_offset=True).numpy()


# ---- TTS ----------------------------------------------------------------------------

def tts(engine, voice, text, rate=1.0, pitch=50):
    """Synthesize text; returns float32 audio at 16 kHz. rate>1 = faster speech."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "a.wav")
        if engine == "espeak":
            data = os.environ.get(ESPEAK_DATA_ENV)
            cmd = ["espeak-ng"] + ([f"--path={data}"] if data else []) + \
                ["-v", voice, "-s", str(int(165 * rate)), "-p", str(pitch), "-w", out, text]
        elif engine == "flite":
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={1 / rate:.3f}",
                   "-t", text, "-o", out]
        elif engine == "festival":
            scm = os.path.join(d, "s.scm")
            with open(scm, "w") as f:
                f.write(f"(voice_{voice})\n(Parameter.set 'Duration_Stretch {1 / rate:.3f})\n"
                        f"(utt.save.wave (utt.synth (Utterance Text \"{text}\")) \"{out}\" 'riff)\n")
            cmd = ["festival", "--batch", scm]
        else:
            raise ValueError(engine)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        x, sr = read_wav(out)
    return resample(x, sr)


# ---- augmentation -------------------------------------------------------------------

def colored_noise(rng, n, kind):
    w = rng.standard_normal(n).astype(np.float32)
    if kind == "pink":  # Paul Kellet's economy filter approximation of 1/f
        w = lfilter([0.049922035, -0.095993537, 0.050612699, -0.004408786],
                    [1, -2.494956002, 2.017265875, -0.522189400], w)
    elif kind == "brown":
        w = lfilter([1.0], [1, -0.995], w)
    return (w / (np.std(w) + 1e-9)).astype(np.float32)


def reverb(rng, x):
    """Synthetic room: exponentially decaying noise impulse response."""
    rt60 = rng.uniform(0.15, 0.6)
    n = int(SR * rt60)
    t = np.arange(n) / SR
    ir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0 / rng.uniform(0.3, 1.0)  # direct path
    y = fftconvolve(x, ir)[: len(x)]
    return (y / (np.abs(y).max() + 1e-9) * np.abs(x).max()).astype(np.float32)


# Quietest peak level of augment(): None keeps the original uniform 0.05-0.95; a number draws
# the level log-uniformly from [MIN_LEVEL, 0.95] (set by synth.py --min-level).
MIN_LEVEL = None


def augment(rng, x, clean_prob=0.25, band_prob=0.25, speed=None):
    """Random speed (resampling), padding, band-limiting, reverb, noise and gain."""
    if speed is not None and abs(speed - 1) > 1e-3:
        x = resample_poly(x, 100, int(round(100 * speed))).astype(np.float32)
    pad = lambda: np.zeros(int(rng.uniform(0.0, 0.4) * SR), np.float32)
    x = np.concatenate([pad(), x, pad()])
    if rng.random() < band_prob:  # telephone-like: nothing above 4 kHz
        x = resample(resample(x, SR, 8000), 8000)
    if rng.random() >= clean_prob:
        if rng.random() < 0.3:
            x = reverb(rng, x)
        if rng.random() < 0.8:
            sig = np.sqrt(np.mean(x ** 2)) + 1e-9
            snr = rng.uniform(5, 40)
            kind = rng.choice(["white", "pink", "brown"])
            x = x + colored_noise(rng, len(x), kind) * sig / (10 ** (snr / 20))
    peak = np.abs(x).max() + 1e-9
    level = rng.uniform(0.05, 0.95) if MIN_LEVEL is None else \
        float(np.exp(rng.uniform(np.log(MIN_LEVEL), np.log(0.95))))
    return (x / peak * level).astype(np.float32)
