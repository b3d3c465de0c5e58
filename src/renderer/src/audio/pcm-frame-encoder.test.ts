import { describe, expect, it } from 'vitest';
import { downmix, floatToPcm16, measureLevels, PcmFrameEncoder, StreamingResampler, toDbfs } from './pcm-frame-encoder.ts';

function sine(freq: number, rate: number, n: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
}

function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

function feedInBlocks(r: StreamingResampler, x: Float32Array, block: number): Float32Array {
  const parts: number[] = [];
  for (let i = 0; i < x.length; i += block) parts.push(...r.process(x.subarray(i, i + block)));
  return Float32Array.from(parts);
}

describe('floatToPcm16', () => {
  it.each([
    [0, 0],
    [1, 32767],
    [-1, -32768],
    [0.5, 16384],
    [-0.5, -16384],
    [2, 32767],
    [-7, -32768],
    [Number.NaN, 0],
  ])('%f → %i', (x, expected) => {
    expect(floatToPcm16(x)).toBe(expected);
  });
});

describe('downmix', () => {
  it('averages channels sample by sample', () => {
    const m = downmix([Float32Array.of(1, 0.5, -1), Float32Array.of(0, 0.5, 1)]);
    expect(Array.from(m)).toEqual([0.5, 0.5, 0]);
  });

  it('returns the single channel unchanged and handles no channel', () => {
    const ch = Float32Array.of(0.25, -0.25);
    expect(downmix([ch])).toBe(ch);
    expect(downmix([]).length).toBe(0);
  });
});

describe('measureLevels', () => {
  it('gives rms and peak of a full-scale-ish sine', () => {
    const l = measureLevels(sine(1000, 16000, 1600, 0.8));
    expect(l.rms).toBeCloseTo(0.8 / Math.SQRT2, 3);
    expect(l.peak).toBeCloseTo(0.8, 3);
    expect(toDbfs(l.peak)).toBeCloseTo(20 * Math.log10(0.8), 3);
    expect(toDbfs(0)).toBe(-100);
  });
});

describe('StreamingResampler', () => {
  it('passes audio through unchanged when the rates match', () => {
    const x = sine(440, 16000, 500);
    expect(Array.from(new StreamingResampler(16000, 16000).process(x))).toEqual(Array.from(x));
  });

  it.each([44100, 48000, 22050, 8000])('resamples a 440 Hz tone from %i Hz to 16 kHz accurately', (rate) => {
    const seconds = 0.5;
    const x = sine(440, rate, Math.round(rate * seconds));
    const y = feedInBlocks(new StreamingResampler(rate, 16000), x, 128);
    // Output length follows the rate ratio (minus the filter's look-ahead).
    expect(y.length).toBeGreaterThan(16000 * seconds - 100);
    expect(y.length).toBeLessThanOrEqual(16000 * seconds);
    const expected = sine(440, 16000, y.length);
    // Skip the filter's warm-up, where samples before the stream count as silence.
    const err = Array.from(y, (v, i) => v - expected[i]);
    expect(rms(err, 200, y.length)).toBeLessThan(2e-3);
  });

  it('removes content above the new Nyquist instead of aliasing it', () => {
    // A 10 kHz tone cannot exist at 16 kHz; naive decimation would fold it to 6 kHz at full level.
    const x = sine(10000, 48000, 24000, 0.5);
    const y = feedInBlocks(new StreamingResampler(48000, 16000), x, 128);
    expect(rms(y, 200, y.length)).toBeLessThan(0.005);
  });

  it('gives the same output whatever the block sizes', () => {
    const x = sine(1234, 44100, 44100 / 4);
    const once = new StreamingResampler(44100, 16000).process(x);
    const blocks = feedInBlocks(new StreamingResampler(44100, 16000), x, 128);
    const odd = feedInBlocks(new StreamingResampler(44100, 16000), x, 37);
    expect(blocks.length).toBe(once.length);
    expect(odd.length).toBe(once.length);
    for (let i = 0; i < once.length; i++) {
      expect(blocks[i]).toBeCloseTo(once[i], 6);
      expect(odd[i]).toBeCloseTo(once[i], 6);
    }
  });

  it('rejects non-positive rates', () => {
    expect(() => new StreamingResampler(0, 16000)).toThrow(RangeError);
  });
});

describe('PcmFrameEncoder', () => {
  it('emits fixed 40 ms PCM16 mono frames at 16 kHz from 44.1 kHz stereo blocks', () => {
    const enc = new PcmFrameEncoder({ inputRate: 44100, frameMs: 40 });
    expect(enc.frameSamples).toBe(640);
    const left = sine(440, 44100, 44100);
    const right = sine(440, 44100, 44100);
    const frames: Int16Array[] = [];
    for (let i = 0; i < left.length; i += 128) frames.push(...enc.push([left.subarray(i, i + 128), right.subarray(i, i + 128)]));
    const rest = enc.flush();
    expect(frames.length).toBeGreaterThanOrEqual(24);
    for (const f of frames) expect(f.length).toBe(640);
    const total = frames.length * 640 + (rest?.length ?? 0);
    expect(total).toBeGreaterThan(16000 - 100);
    expect(total).toBeLessThanOrEqual(16000);
    // Amplitude survives: 0.5 full scale ≈ 16384 peak.
    const mid = frames[10];
    expect(Math.max(...mid)).toBeGreaterThan(16000);
    expect(Math.max(...mid)).toBeLessThan(16800);
    expect(enc.flush()).toBeUndefined();
  });

  it('does not resample when the context already runs at 16 kHz', () => {
    const enc = new PcmFrameEncoder({ inputRate: 16000, frameMs: 20 });
    const frames = enc.push([Float32Array.of(...new Array(320).fill(0.5))]);
    expect(frames).toHaveLength(1);
    expect(frames[0].every((v) => v === 16384)).toBe(true);
  });

  it('rejects a frame length outside [10, 1000] ms', () => {
    expect(() => new PcmFrameEncoder({ inputRate: 16000, frameMs: 5 })).toThrow(RangeError);
  });
});
