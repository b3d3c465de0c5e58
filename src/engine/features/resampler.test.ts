import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { RESAMPLER_NUM_ZEROS, Resampler, ResamplerFilter, resamplerFilter } from './resampler.ts';

// sherpa-onnx-node (devDependency) is the oracle: it runs the C++ LinearResample we reimplement.
const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as {
  LinearResampler: new (inRate: number, outRate: number) => {
    resample(x: Float32Array): Float32Array;
    flush(x: Float32Array): Float32Array;
  };
};

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function resampleInChunks(x: Float32Array, inRate: number, chunk: number | number[]): Float32Array {
  const r = new Resampler(inRate);
  const parts: Float32Array[] = [];
  const sizes = typeof chunk === 'number' ? [chunk] : chunk;
  for (let i = 0, c = 0; i < x.length; c++) {
    const size = sizes[c % sizes.length];
    parts.push(r.resample(x.subarray(i, i + size)));
    i += size;
  }
  parts.push(r.flush());
  return concat(parts);
}

function tone(seconds: number, rate: number, hz = 1000, amplitude = 0.5): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

function noisyTone(n: number, rate: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = 0.4 * Math.sin((2 * Math.PI * 1000 * i) / rate) + 0.2 * (s / 2147483647 - 0.5);
  }
  return x;
}

/** Least-squares fit of a·sin + b·cos at `hz` over y[from, to): amplitude, phase and residual RMS. */
function fitTone(y: Float32Array, rate: number, hz: number, from: number, to: number) {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let j = from; j < to; j++) {
    const s = Math.sin((2 * Math.PI * hz * j) / rate), c = Math.cos((2 * Math.PI * hz * j) / rate);
    ss += s * s; cc += c * c; sc += s * c; ys += y[j] * s; yc += y[j] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
  let r2 = 0;
  for (let j = from; j < to; j++) {
    const e = y[j] - a * Math.sin((2 * Math.PI * hz * j) / rate) - b * Math.cos((2 * Math.PI * hz * j) / rate);
    r2 += e * e;
  }
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), residualRms: Math.sqrt(r2 / (to - from)) };
}

describe('Resampler vs sherpa-onnx LinearResampler', () => {
  it.each([8000, 11025, 22050, 32000, 44100, 48000, 96000, 44101])('%i Hz → 16 kHz: same sample count, same values', (rate) => {
    const x = noisyTone(Math.round(rate * 0.61) + 3, rate);
    const oracle = new sherpa.LinearResampler(rate, 16000);
    const expectedParts = [oracle.resample(x.subarray(0, 1000)), oracle.resample(x.subarray(1000)), oracle.flush(new Float32Array(0))];
    const ours = new Resampler(rate);
    const gotParts = [ours.resample(x.subarray(0, 1000)), ours.resample(x.subarray(1000)), ours.flush()];
    // Same latency: each call returns as many samples as sherpa's.
    expect(gotParts.map((p) => p.length)).toEqual(expectedParts.map((p) => p.length));
    const expected = concat(expectedParts);
    const got = concat(gotParts);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
    // Both use float32 weights; sherpa also sums in float32, we sum in float64.
    expect(maxDiff).toBeLessThan(2e-6);
  });
});

describe('Resampler signal fidelity', () => {
  it.each([8000, 44100, 48000, 12345, 191999])('a 1 kHz sine at %i Hz keeps its frequency, amplitude and phase at 16 kHz', (rate) => {
    const x = tone(0.5, rate);
    const y = resampleInChunks(x, rate, 4096);
    expect(Math.abs(y.length - (x.length * 16000) / rate)).toBeLessThanOrEqual(1);
    // Away from the edges, where the filter sees zeros.
    const fit = fitTone(y, 16000, 1000, 64, y.length - 64);
    expect(fit.amplitude).toBeGreaterThan(0.499);
    expect(fit.amplitude).toBeLessThan(0.501);
    expect(Math.abs(fit.phase)).toBeLessThan(1e-3); // zero-phase: output j sits at time j/16000
    expect(fit.residualRms).toBeLessThan(2e-3);
  });

  it('removes content above the new Nyquist (a 10 kHz tone at 48 kHz)', () => {
    const y = resampleInChunks(tone(0.5, 48000, 10000), 48000, 4800);
    let energy = 0;
    for (let j = 64; j < y.length - 64; j++) energy += y[j] * y[j];
    expect(Math.sqrt(energy / (y.length - 128))).toBeLessThan(0.01 * 0.5);
  });

  it.each([8000, 22050, 44100, 48000])('%i Hz: chunks of 1, 7, 441, 4800 and ragged sizes give exactly the whole-input output', (rate) => {
    const x = noisyTone(Math.round(rate * 0.3) + 11, rate);
    const whole = resampleInChunks(x, rate, x.length);
    for (const chunk of [1, 7, 441, 4800, [3, 1000, 1, 17, 256]]) {
      expect(resampleInChunks(x, rate, chunk)).toEqual(whole);
    }
  });

  it('flush() resets: the next signal resamples as on a fresh instance', () => {
    const x = noisyTone(4410, 44100);
    const r = new Resampler(44100);
    const first = concat([r.resample(x), r.flush()]);
    const second = concat([r.resample(x), r.flush()]);
    expect(second).toEqual(first);
  });

  it('16 kHz → 16 kHz passes samples through unchanged', () => {
    const x = noisyTone(1000, 16000);
    const r = new Resampler(16000);
    expect(r.filter).toBeNull();
    const y = r.resample(x);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    expect(r.flush().length).toBe(0);
  });
});

describe('ResamplerFilter (Kaldi LinearResample as sherpa-onnx configures it)', () => {
  it.each([
    [48000, 7920, 3, 1],
    [44100, 7920, 441, 160],
    [8000, 3960, 1, 2],
    [22050, 7920, 441, 320],
  ])('%i Hz → 16 kHz: cutoff 0.99·0.5·min = %i Hz, 6 zeros, unit %i:%i', (rate, cutoff, inUnit, outUnit) => {
    const f = new ResamplerFilter(rate, 16000);
    expect(f.cutoffHz).toBe(cutoff);
    expect(f.numZeros).toBe(RESAMPLER_NUM_ZEROS);
    expect(f.numZeros).toBe(6);
    expect(f.windowWidth).toBeCloseTo(6 / (2 * cutoff), 12);
    expect(f.inputSamplesInUnit).toBe(inUnit);
    expect(f.outputSamplesInUnit).toBe(outUnit);
    for (let p = 0; p < outUnit; p++) {
      const taps = f.offset[p + 1] - f.offset[p];
      // Every input sample within ±windowWidth of the output time, no more.
      expect(Math.abs(taps - 2 * f.windowWidth * rate)).toBeLessThanOrEqual(1);
      let gain = 0;
      for (let k = f.offset[p]; k < f.offset[p + 1]; k++) gain += f.weights[k];
      expect(gain).toBeCloseTo(1, 2); // unity gain at DC
    }
    expect(f.filter(0)).toBeCloseTo(2 * cutoff, 3);
    expect(f.filter(f.windowWidth * 1.001)).toBe(0);
    expect(f.filter(1 / (2 * cutoff)) / f.filter(0)).toBeCloseTo(0, 6); // the sinc’s first zero
  });

  it('is shared between streams of the same rates', () => {
    expect(resamplerFilter(48000, 16000)).toBe(resamplerFilter(48000, 16000));
    expect(new Resampler(48000).filter).toBe(new Resampler(48000).filter);
  });
});

describe('Resampler errors', () => {
  it.each([0, -16000, Number.NaN, Number.POSITIVE_INFINITY, 192001, 44100.5, 7999])('rate %s → ASR_ERR_INVALID_SAMPLE_RATE', (rate) => {
    const invalid = expect.objectContaining({ code: ErrorCode.InvalidSampleRate });
    expect(() => new Resampler(rate)).toThrow(invalid);
    expect(() => new Resampler(48000, rate)).toThrow(invalid);
  });

  it('192000 and 8000 Hz are accepted', () => {
    expect(() => new Resampler(192000)).not.toThrow();
    expect(() => new Resampler(8000)).not.toThrow();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('a chunk with %s → ASR_ERR_INVALID_AUDIO, state untouched', (bad) => {
    const x = noisyTone(9600, 48000);
    const clean = resampleInChunks(x, 48000, 4800);
    const r = new Resampler(48000);
    const parts = [r.resample(x.subarray(0, 4800))];
    const broken = x.slice(4800);
    broken[10] = bad;
    expect(() => r.resample(broken)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidAudio }));
    parts.push(r.resample(x.subarray(4800)), r.flush());
    expect(concat(parts)).toEqual(clean);
  });
});
