import { describe, expect, it } from 'vitest';
import { trainingPython as python } from '../test-support/training-python.ts';

// The data options that fixed the shipped model's quiet test speakers (training/README.md,
// "Data"): --fsdd-warp and --tts-warp (audio.shift_spectrum) and --min-level (audio.MIN_LEVEL). They run in
// Debian's Python like the rest of training/; each check prints one JSON line.
describe('training data augmentation', () => {
  it('shift_spectrum moves every frequency by the given cents and keeps the duration', () => {
    const r = python(`
import numpy as np, audio
sr = 8000
t = np.arange(sr) / sr
x = (0.3 * np.sin(2 * np.pi * 500 * t)).astype(np.float32)
def peak_hz(y):
    s = np.abs(np.fft.rfft(y[1000:-1000] * np.hanning(len(y) - 2000)))
    return float(np.argmax(s) * sr / (len(y) - 2000))
up, down = audio.shift_spectrum(x, sr, 300), audio.shift_spectrum(x, sr, -300)
print(json.dumps({"len": [len(x), len(up), len(down)], "hz": [peak_hz(x), peak_hz(up), peak_hz(down)],
                  "same": audio.shift_spectrum(x, sr, 0) is x}))
`) as { len: number[]; hz: number[]; same: boolean };
    expect(r.len[1]).toBe(r.len[0]);
    expect(r.len[2]).toBe(r.len[0]);
    expect(r.hz[0]).toBeCloseTo(500, -1);
    expect(r.hz[1] / r.hz[0]).toBeCloseTo(2 ** (300 / 1200), 1); // ~1.189
    expect(r.hz[2] / r.hz[0]).toBeCloseTo(2 ** (-300 / 1200), 1); // ~0.841
    expect(r.same).toBe(true);
  });

  it('tts_job with --tts-warp speaks the same text for as long, with its spectrum moved', () => {
    const r = python(`
import numpy as np, synth
job = lambda warp: synth.tts_job((0, "the quick brown fox jumps over the lazy dog", "espeak", "en-us", 7, None, warp))
plain, warped = job(0), job(250)
def centroid(f):
    e = np.exp(f.astype(np.float32))
    return float((e * np.arange(f.shape[1])).sum() / e.sum())
rng = np.random.default_rng(7)
rng.uniform(0.8, 1.3), rng.uniform(25, 75)
cents = rng.uniform(-250, 250)  # the draw tts_job makes after rate and pitch
print(json.dumps({"frames": [len(plain[0]), len(warped[0])], "text": warped[1], "source": warped[2],
                  "centroid": [centroid(plain[0]), centroid(warped[0])], "cents": cents}))
`) as { frames: number[]; text: string; source: string; centroid: number[]; cents: number };
    expect(r.text).toBe('the quick brown fox jumps over the lazy dog');
    expect(r.source).toBe('espeak:en-us');
    // The warp draw changes nothing else: the same rate, so the same length (±1 frame)...
    expect(Math.abs(r.frames[1] - r.frames[0])).toBeLessThanOrEqual(1);
    // ...but its spectrum moved the way of the drawn shift (+138 cents here: the energy
    // centroid rises by ~0.65 of 80 mel bins).
    expect(Math.abs(r.cents)).toBeGreaterThan(50);
    expect(Math.sign(r.centroid[1] - r.centroid[0])).toBe(Math.sign(r.cents));
    expect(Math.abs(r.centroid[1] - r.centroid[0])).toBeGreaterThan(0.3);
  });

  it('augment draws peak levels from the default 0.05-0.95, or log-uniformly down to MIN_LEVEL', () => {
    const r = python(`
import numpy as np, audio
x = (0.5 * np.sin(np.arange(16000) / 5.0)).astype(np.float32)
def levels(min_level):
    audio.MIN_LEVEL = min_level
    rng = np.random.default_rng(0)
    return [float(np.abs(audio.augment(rng, x, clean_prob=1.0, band_prob=0.0)).max()) for _ in range(400)]
d, q = levels(None), levels(0.005)
print(json.dumps({"default": [min(d), max(d)], "quiet": [min(q), max(q)],
                  "quiet_below_005": sum(v < 0.05 for v in q) / len(q)}))
`) as { default: number[]; quiet: number[]; quiet_below_005: number };
    expect(r.default[0]).toBeGreaterThanOrEqual(0.05 - 1e-6);
    expect(r.default[1]).toBeLessThanOrEqual(0.95 + 1e-6);
    expect(r.quiet[0]).toBeGreaterThanOrEqual(0.005 - 1e-6);
    expect(r.quiet[0]).toBeLessThan(0.01);
    expect(r.quiet[1]).toBeLessThanOrEqual(0.95 + 1e-6);
    // log-uniform over [0.005, 0.95]: ln(10)/ln(190) ≈ 44 % of the draws are quieter than 0.05
    expect(r.quiet_below_005).toBeGreaterThan(0.35);
    expect(r.quiet_below_005).toBeLessThan(0.53);
  });
});
