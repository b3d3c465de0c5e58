import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { FLT_EPSILON, fbankComputer } from './fbank-computer.ts';
import { PARAFORMER_FBANK_OPTIONS, createFbankOptions, frameGeometry, type FbankOptions } from './fbank-options.ts';
import { loadReferenceCases } from './fixtures/fbank-reference.ts';
import { OnlineFbank } from './online-fbank.ts';
import { loadPowerSpectrum } from './power-spectrum.ts';

const cases = loadReferenceCases();
const jfk = cases.find((c) => c.name === 'jfk-sherpa')!;

/** All frames of a stream fed in chunks of `chunk` samples (whole signal when chunk ≥ length). */
function extract(samples: Float32Array, options: Partial<FbankOptions>, chunk = samples.length, finish = true): Float32Array {
  const fbank = new OnlineFbank(options);
  for (let i = 0; i < samples.length; i += chunk) fbank.acceptWaveform(samples.subarray(i, i + chunk));
  if (finish) fbank.inputFinished();
  return framesOf(fbank);
}

function framesOf(fbank: OnlineFbank, start = fbank.firstAvailableFrame): Float32Array {
  const count = fbank.numFramesReady - start;
  const out = new Float32Array(count * fbank.dim);
  fbank.getFrames(start, count, out);
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function sine(n: number, hz: number, rate = 16000, amplitude = 0.3): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

const streamingFrames = (n: number) => (n >= 280 ? Math.floor((n - 120) / 160) : 0);
const flushedFrames = (n: number) => Math.floor((n + 80) / 160);
const snipFrames = (n: number) => (n >= 400 ? 1 + Math.floor((n - 400) / 160) : 0);

describe('OnlineFbank vs torchaudio.compliance.kaldi.fbank', () => {
  // The reference is torchaudio in float64; we compute in float64 too and round once to float32,
  // so values agree to float32 rounding (measured max diff: 0). A float32 pipeline such as knf
  // is looser: its FFT round-off is ~1e-7 of the frame's peak energy, which in a quiet mel band is
  // up to ~2e-3 in the log domain (torchaudio float32 vs float64 on 3 s of jfk.wav: max 1.7e-3).
  // So 1e-4 here still catches any real error (a wrong window, reflection or bank moves values by ≫ 1e-2).
  it.each(cases.map((c) => [c.name, c] as const))('%s: every frame matches after inputFinished()', (_name, c) => {
    const fbank = new OnlineFbank(c.options);
    fbank.acceptWaveform(c.samples);
    const expectedStreaming = c.options.snipEdges ? snipFrames(c.samples.length) : streamingFrames(c.samples.length);
    expect(fbank.numFramesReady).toBe(expectedStreaming);
    fbank.inputFinished();
    expect(fbank.numFramesReady).toBe(c.numFrames);
    expect(fbank.dim).toBe(c.numBins);
    expect(maxAbsDiff(framesOf(fbank), c.features)).toBeLessThan(1e-4);
  });

  it('the Paraformer scale adds 2·ln(32768) to every (unfloored) value', () => {
    const plain = extract(jfk.samples, { ...PARAFORMER_FBANK_OPTIONS, inputScale: 1 });
    const scaled = extract(jfk.samples, PARAFORMER_FBANK_OPTIONS);
    for (let i = 0; i < plain.length; i++) expect(scaled[i] - plain[i]).toBeCloseTo(2 * Math.log(32768), 4);
  });
});

describe('OnlineFbank with the wasm (float32) FFT vs torchaudio', () => {
  // The float32 FFT (as in kaldi-native-fbank) is exact to ~1e-7 of the frame's peak energy, which
  // in a quiet mel band is up to ~2e-3 in the log domain (see above); loud bands stay at float32
  // rounding. Measured: max |diff| 3.7e-3 (chirp-sherpa), ≥ 96 % of values within 1e-4 and
  // ≥ 99.9 % within 1e-3 in every case; a wrong window, bank or bin order is off by ≫ 1e-2.
  it.each(cases.map((c) => [c.name, c] as const))('%s: every frame within 5e-3, 99.5 %% within 1e-3', async (_name, c) => {
    const kernel = await loadPowerSpectrum(frameGeometry(createFbankOptions(c.options)).fftSize, 'wasm');
    expect(kernel.name).toBe('wasm-simd-float32');
    const fbank = new OnlineFbank(c.options, kernel);
    fbank.acceptWaveform(c.samples);
    fbank.inputFinished();
    expect(fbank.numFramesReady).toBe(c.numFrames);
    const got = framesOf(fbank);
    expect(maxAbsDiff(got, c.features)).toBeLessThan(5e-3);
    let close = 0;
    for (let i = 0; i < got.length; i++) if (Math.abs(got[i] - c.features[i]) < 1e-3) close++;
    expect(close / got.length).toBeGreaterThan(0.995);
  });
});

describe('OnlineFbank streaming', () => {
  const variants: [string, Partial<FbankOptions>][] = [
    ['sherpa (snip_edges=false)', {}],
    ['paraformer (snip_edges=true)', PARAFORMER_FBANK_OPTIONS],
  ];

  it.each(variants)('%s: chunks of 1, 7, 160, 3200 give exactly the whole-signal frames, mid-stream too', (_name, options) => {
    const whole = extract(jfk.samples, options);
    const dim = 80;
    for (const chunk of [1, 7, 160, 3200]) {
      const fbank = new OnlineFbank(options);
      for (let i = 0; i < jfk.samples.length; i += chunk) {
        fbank.acceptWaveform(jfk.samples.subarray(i, i + chunk));
        const n = Math.min(i + chunk, jfk.samples.length);
        expect(fbank.numFramesReady).toBe(options.snipEdges ? snipFrames(n) : streamingFrames(n));
      }
      const beforeFlush = framesOf(fbank);
      expect(beforeFlush).toEqual(whole.subarray(0, beforeFlush.length));
      fbank.inputFinished();
      expect(framesOf(fbank)).toEqual(whole);
      expect(whole.length / dim).toBe(options.snipEdges ? snipFrames(jfk.samples.length) : flushedFrames(jfk.samples.length));
    }
  });

  it('frame counts follow the streaming and flush formulas for every length up to 1200 samples', () => {
    const signal = sine(1200, 440);
    for (const snipEdges of [false, true]) {
      const fbank = new OnlineFbank({ snipEdges });
      for (let n = 1; n <= 1200; n++) {
        fbank.acceptWaveform(signal.subarray(n - 1, n));
        expect(fbank.numFramesReady).toBe(snipEdges ? snipFrames(n) : streamingFrames(n));
      }
      for (const n of [0, 1, 79, 80, 239, 240, 279, 280, 399, 400, 401, 559, 560, 1199]) {
        const flushed = new OnlineFbank({ snipEdges });
        flushed.acceptWaveform(signal.subarray(0, n));
        flushed.inputFinished();
        expect(flushed.numFramesReady).toBe(snipEdges ? snipFrames(n) : flushedFrames(n));
        const frames = framesOf(flushed);
        expect(frames.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('keeps memory bounded on a long stream when the consumer discards frames; indices stay global', () => {
    const long = sine(16000 * 60, 300);
    const reference = new OnlineFbank();
    const fbank = new OnlineFbank();
    const chunk = 1600;
    let maxSamples = 0;
    let maxFrames = 0;
    for (let i = 0; i < long.length; i += chunk) {
      const piece = long.subarray(i, i + chunk);
      fbank.acceptWaveform(piece);
      reference.acceptWaveform(piece);
      // A consumer that keeps a 20-frame left context, like an encoder window.
      fbank.discardFramesBefore(fbank.numFramesReady - 20);
      maxSamples = Math.max(maxSamples, fbank.retainedSamples);
      maxFrames = Math.max(maxFrames, fbank.retainedFrames);
    }
    fbank.inputFinished();
    reference.inputFinished();
    expect(maxSamples).toBeLessThanOrEqual(400 + chunk);
    expect(maxFrames).toBeLessThanOrEqual(20 + chunk / 160 + 2);
    expect(fbank.numFramesReady).toBe(flushedFrames(long.length));
    expect(fbank.firstAvailableFrame).toBeGreaterThan(5000);
    const tail = framesOf(fbank);
    expect(tail).toEqual(framesOf(reference, fbank.firstAvailableFrame));
  });

  it('all-zero audio hits the log floor ln(FLT_EPSILON) everywhere', () => {
    const frames = extract(new Float32Array(4000), {});
    const floor = Math.fround(Math.log(FLT_EPSILON));
    expect(frames.length).toBe(flushedFrames(4000) * 80);
    expect(frames.every((v) => v === floor)).toBe(true);
  });

  it('dither is seeded: same seed → same frames (in any chunking), other seed or none → different', () => {
    const quiet = sine(8000, 1000, 16000, 1e-4);
    const a = extract(quiet, { dither: 1e-3, ditherSeed: 7 });
    const b = extract(quiet, { dither: 1e-3, ditherSeed: 7 }, 37);
    const c = extract(quiet, { dither: 1e-3, ditherSeed: 8 });
    const none = extract(quiet, {});
    expect(b).toEqual(a);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(a, none)).toBeGreaterThan(1e-3);
  });

  it('streams with the same options share one set of precomputed tables', () => {
    const options = createFbankOptions({ window: 'hamming' });
    expect(fbankComputer(options)).toBe(fbankComputer({ ...options }));
    expect(fbankComputer(options).window).toBe(fbankComputer({ ...options, highFreq: 0 }).window);
    expect(fbankComputer(options).spectrum).toBe(fbankComputer(createFbankOptions()).spectrum);
  });
});

describe('OnlineFbank errors', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'a chunk containing %s → ASR_ERR_INVALID_AUDIO and the stream is unchanged',
    (bad) => {
      const fbank = new OnlineFbank();
      fbank.acceptWaveform(jfk.samples.subarray(0, 3000));
      const framesBefore = fbank.numFramesReady;
      const chunk = jfk.samples.slice(3000, 4000);
      chunk[500] = bad;
      expect(() => fbank.acceptWaveform(chunk)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidAudio }));
      expect(fbank.numSamplesAccepted).toBe(3000);
      expect(fbank.numFramesReady).toBe(framesBefore);
      fbank.acceptWaveform(jfk.samples.subarray(3000));
      fbank.inputFinished();
      expect(framesOf(fbank)).toEqual(extract(jfk.samples, {}));
    },
  );

  it('acceptWaveform after inputFinished → ASR_ERR_STREAM_FINISHED', () => {
    const fbank = new OnlineFbank();
    fbank.acceptWaveform(jfk.samples.subarray(0, 1000));
    fbank.inputFinished();
    fbank.inputFinished(); // idempotent
    expect(fbank.isInputFinished).toBe(true);
    expect(() => fbank.acceptWaveform(new Float32Array(10))).toThrow(expect.objectContaining({ code: ErrorCode.StreamFinished }));
    expect(() => fbank.acceptWaveform(new Float32Array(0))).toThrow(expect.objectContaining({ code: ErrorCode.StreamFinished }));
  });

  it('getFrames outside the held range or into a short buffer → ASR_ERR_INTERNAL', () => {
    const fbank = new OnlineFbank();
    fbank.acceptWaveform(jfk.samples);
    const ready = fbank.numFramesReady;
    const dst = new Float32Array(80 * 4);
    expect(() => fbank.getFrames(ready - 1, 2, dst)).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    expect(() => fbank.getFrames(0, 5, dst)).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    expect(() => fbank.getFrames(0, 2, dst, 240)).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    fbank.getFrames(10, 2, dst, 80);
    const whole = extract(jfk.samples, {}, jfk.samples.length, false);
    expect(dst.subarray(80, 240)).toEqual(whole.subarray(800, 960));
    fbank.discardFramesBefore(10);
    expect(fbank.firstAvailableFrame).toBe(10);
    expect(() => fbank.getFrames(9, 1, dst)).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    fbank.discardFramesBefore(ready + 100); // clamped: nothing beyond the computed frames is lost
    expect(fbank.firstAvailableFrame).toBe(ready);
  });

  it('bad options → ASR_ERR_INVALID_CONFIG', () => {
    expect(() => new OnlineFbank({ numBins: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
  });
});
