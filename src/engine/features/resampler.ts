import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** Sample rates the engine accepts from clients (integers, in Hz). */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192000;

/** Zero crossings on each side of the sinc (Kaldi's num_zeros / sherpa's lowpass_filter_width). */
export const RESAMPLER_NUM_ZEROS = 6;

/** Throws AsrError(InvalidSampleRate) unless `rate` is an integer in [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE]. */
export function validateSampleRate(rate: number, what = 'sample rate'): void {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw new AsrError(
      ErrorCode.InvalidSampleRate,
      `${what} must be an integer number of Hz in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}], got ${String(rate)}`,
    );
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The filter of Kaldi's LinearResample as sherpa-onnx configures it: a Hann-windowed sinc
 * with cutoff 0.99·0.5·min(in, out) and 6 zeros per side, tabulated for each output phase
 * of the repeating unit (in/gcd input samples ↔ out/gcd output samples). Read-only, shared.
 */
export class ResamplerFilter {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Hz, rounded to float32 as sherpa-onnx passes it. */
  readonly cutoffHz: number;
  readonly numZeros = RESAMPLER_NUM_ZEROS;
  /** Half-width of the filter in seconds: numZeros / (2·cutoff). */
  readonly windowWidth: number;
  readonly inputSamplesInUnit: number;
  readonly outputSamplesInUnit: number;
  /** First input index (relative to the unit) of each output phase; may be negative. */
  readonly firstIndex: Int32Array;
  /** Start of each phase's taps in `weights`; phase p has offset[p+1] − offset[p] taps. */
  readonly offset: Int32Array;
  /** float32 like Kaldi's weights; already divided by the input rate. */
  readonly weights: Float32Array;
  private readonly tickFreq: number;
  private readonly windowWidthTicks: number;

  constructor(inputRate: number, outputRate: number) {
    validateSampleRate(inputRate, 'input sample rate');
    validateSampleRate(outputRate, 'output sample rate');
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const cutoff = Math.fround(0.99 * 0.5 * Math.min(inputRate, outputRate));
    this.cutoffHz = cutoff;
    const width = this.numZeros / (2 * cutoff);
    this.windowWidth = width;
    const base = gcd(inputRate, outputRate);
    this.inputSamplesInUnit = inputRate / base;
    this.outputSamplesInUnit = outputRate / base;
    // Time in ticks of 1/lcm(in, out) s keeps the output count exact (doubles are exact to 2^53).
    this.tickFreq = (inputRate / base) * outputRate;
    // Kaldi holds this width in a float before counting ticks; keep that so counts match sherpa.
    this.windowWidthTicks = Math.floor(Math.fround(width) * this.tickFreq);

    const phases = this.outputSamplesInUnit;
    this.firstIndex = new Int32Array(phases);
    this.offset = new Int32Array(phases + 1);
    const firstOf = new Int32Array(phases);
    for (let p = 0; p < phases; p++) {
      const t = p / outputRate;
      const lo = Math.ceil((t - width) * inputRate);
      const hi = Math.floor((t + width) * inputRate);
      firstOf[p] = lo;
      this.offset[p + 1] = this.offset[p] + (hi - lo + 1);
    }
    this.firstIndex.set(firstOf);
    this.weights = new Float32Array(this.offset[phases]);
    for (let p = 0; p < phases; p++) {
      const t = p / outputRate;
      for (let k = this.offset[p], j = firstOf[p]; k < this.offset[p + 1]; k++, j++) {
        this.weights[k] = Math.fround(this.filter(j / inputRate - t) / inputRate);
      }
    }
  }

  /** h(t) = sinc lowpass · Hann window, both of the filter's half-width (Kaldi's FilterFunc). */
  filter(seconds: number): number {
    const t = Math.fround(seconds);
    const width = this.numZeros / (2 * this.cutoffHz);
    const window = Math.abs(t) < width ? Math.fround(0.5 * (1 + Math.cos(((2 * Math.PI * this.cutoffHz) / this.numZeros) * t))) : 0;
    const sinc = t !== 0 ? Math.fround(Math.sin(2 * Math.PI * this.cutoffHz * t) / (Math.PI * t)) : Math.fround(2 * this.cutoffHz);
    return Math.fround(sinc * window);
  }

  /** Output samples computable from `numInput` input samples (all of them when flushing). */
  numOutputSamples(numInput: number, flush: boolean): number {
    const ticksPerInput = this.tickFreq / this.inputRate;
    const ticksPerOutput = this.tickFreq / this.outputRate;
    let interval = numInput * ticksPerInput;
    if (!flush) interval -= this.windowWidthTicks;
    if (interval <= 0) return 0;
    let last = Math.floor(interval / ticksPerOutput);
    if (last * ticksPerOutput === interval) last--;
    return last + 1;
  }

  /** Phase of output sample `j` and the global index of its first input sample. */
  phaseOf(j: number): number {
    return j % this.outputSamplesInUnit;
  }

  firstInputOf(j: number): number {
    const unit = Math.floor(j / this.outputSamplesInUnit);
    return this.firstIndex[j - unit * this.outputSamplesInUnit] + unit * this.inputSamplesInUnit;
  }
}

// A few filters are shared by all streams; bounded because clients choose the rates.
const FILTER_CACHE_SIZE = 8;
const filters = new Map<string, ResamplerFilter>();

export function resamplerFilter(inputRate: number, outputRate: number): ResamplerFilter {
  const key = `${inputRate}:${outputRate}`;
  let filter = filters.get(key);
  if (filter) {
    filters.delete(key); // re-insert: Map order is our LRU order
  } else {
    filter = new ResamplerFilter(inputRate, outputRate);
    if (filters.size >= FILTER_CACHE_SIZE) filters.delete(filters.keys().next().value as string);
  }
  filters.set(key, filter);
  return filter;
}

/**
 * Streaming band-limited resampler (Kaldi's LinearResample, as in sherpa-onnx). Chunked input
 * gives exactly the output of the whole input; flush() emits the tail (zeros past the end).
 * Equal rates pass samples through unchanged, as sherpa-onnx skips resampling then.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** null when the rates are equal. */
  readonly filter: ResamplerFilter | null;
  // Input samples [bufferStart, bufferStart + bufferLength) kept for outputs still to come.
  private buffer = new Float32Array(0);
  private bufferStart = 0;
  private bufferLength = 0;
  private inputTotal = 0;
  private outputTotal = 0;

  constructor(inputRate: number, outputRate = 16000) {
    validateSampleRate(inputRate, 'input sample rate');
    validateSampleRate(outputRate, 'output sample rate');
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.filter = inputRate === outputRate ? null : resamplerFilter(inputRate, outputRate);
  }

  /** Resamples the next chunk; returns the output samples that are complete so far. */
  resample(samples: Float32Array): Float32Array {
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i])) {
        throw new AsrError(ErrorCode.InvalidAudio, `resampler: sample ${i} of the chunk is ${samples[i]}; audio must be finite`);
      }
    }
    if (!this.filter) return samples.slice();
    this.append(samples);
    return this.produce(false);
  }

  /** End of input: returns the remaining output and resets for a new signal. */
  flush(): Float32Array {
    if (!this.filter) return new Float32Array(0);
    const out = this.produce(true);
    this.reset();
    return out;
  }

  reset(): void {
    this.bufferStart = 0;
    this.bufferLength = 0;
    this.inputTotal = 0;
    this.outputTotal = 0;
  }

  private append(samples: Float32Array): void {
    const needed = this.bufferLength + samples.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2, 1024));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.bufferLength);
    this.bufferLength = needed;
    this.inputTotal += samples.length;
  }

  private produce(flush: boolean): Float32Array {
    const filter = this.filter as ResamplerFilter;
    const { weights, offset } = filter;
    const end = filter.numOutputSamples(this.inputTotal, flush);
    const out = new Float32Array(Math.max(0, end - this.outputTotal));
    const buf = this.buffer;
    const start = this.bufferStart;
    const length = this.bufferLength;
    for (let j = this.outputTotal; j < end; j++) {
      const phase = filter.phaseOf(j);
      const first = filter.firstInputOf(j) - start;
      const w0 = offset[phase];
      const taps = offset[phase + 1] - w0;
      let sum = 0;
      if (first >= 0 && first + taps <= length) {
        for (let k = 0; k < taps; k++) sum += weights[w0 + k] * buf[first + k];
      } else {
        // Near the signal's start (before sample 0) or flushed end: missing samples count as 0.
        for (let k = 0; k < taps; k++) {
          const i = first + k;
          if (i >= 0 && i < length) sum += weights[w0 + k] * buf[i];
        }
      }
      out[j - this.outputTotal] = sum;
    }
    this.outputTotal = end;
    this.discardUnneeded();
    return out;
  }

  /** Keeps only the input from the first sample the next output sample needs. */
  private discardUnneeded(): void {
    const keepFrom = this.filter!.firstInputOf(this.outputTotal);
    const drop = Math.min(keepFrom - this.bufferStart, this.bufferLength);
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferStart += drop;
    this.bufferLength -= drop;
  }
}
