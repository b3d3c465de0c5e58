/**
 * The capture worklet's DSP, kept pure so it is testable in Node: downmix to mono,
 * band-limited resampling to the protocol rate, float → PCM16, fixed-size frames, levels.
 */

/** Averages the channels of one block into a mono signal. */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Float sample in [-1, 1] → signed 16-bit, clamped (asymmetric so -1 → -32768 and 1 → 32767). */
export function floatToPcm16(x: number): number {
  if (!(x > -1)) return x !== x ? 0 : -32768; // NaN → 0
  if (x >= 1) return 32767;
  return x < 0 ? Math.round(x * 32768) : Math.round(x * 32767);
}

export interface Levels {
  /** Root mean square of the block, linear [0, 1]. */
  rms: number;
  /** Largest absolute sample of the block, linear [0, 1]. */
  peak: number;
}

export function measureLevels(samples: Float32Array): Levels {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    sum += v * v;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  return { rms: samples.length ? Math.sqrt(sum / samples.length) : 0, peak: Math.min(1, peak) };
}

/** Linear level → dBFS, floored at -100 so silence stays finite. */
export function toDbfs(linear: number): number {
  return linear > 1e-5 ? 20 * Math.log10(linear) : -100;
}

/**
 * Streaming band-limited resampler (Kaiser-windowed sinc). State carries across blocks, so
 * feeding a signal in any block sizes gives the same output as feeding it at once.
 */
export class StreamingResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly step: number;
  private readonly cutoff: number;
  private readonly halfWidth: number;
  /** Windowed-sinc kernel sampled at TABLE_RES points per input sample, for |d| in [0, halfWidth]. */
  private readonly kernel: Float32Array;
  /** Pending input; buf[0] is absolute input sample `bufStart`. */
  private buf = new Float32Array(0);
  private bufStart = 0;
  private nextOut = 0;

  constructor(inputRate: number, outputRate: number, zeroCrossings = 16) {
    if (!(inputRate > 0) || !(outputRate > 0)) throw new RangeError('sample rates must be positive');
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.step = inputRate / outputRate;
    // Cut a little below the lower Nyquist so the transition band does not alias.
    this.cutoff = Math.min(1, outputRate / inputRate) * 0.94;
    this.halfWidth = Math.ceil(zeroCrossings / this.cutoff);
    this.kernel = kaiserSincTable(this.cutoff, this.halfWidth);
  }

  /** Consumes one block of input; returns the output samples that are now fully determined. */
  process(input: Float32Array): Float32Array {
    if (this.step === 1) return input.slice();
    const merged = new Float32Array(this.buf.length + input.length);
    merged.set(this.buf);
    merged.set(input, this.buf.length);
    this.buf = merged;
    const end = this.bufStart + merged.length;
    const out: number[] = [];
    const hw = this.halfWidth;
    for (;;) {
      const t = this.nextOut * this.step;
      const last = Math.floor(t) + hw;
      if (last >= end) break;
      out.push(this.interpolate(t, merged, end));
      this.nextOut++;
    }
    // Keep only the history the next output sample still needs.
    const keepFrom = Math.max(this.bufStart, Math.floor(this.nextOut * this.step) - hw + 1);
    this.buf = merged.slice(keepFrom - this.bufStart);
    this.bufStart = keepFrom;
    return Float32Array.from(out);
  }

  private interpolate(t: number, buf: Float32Array, end: number): number {
    const hw = this.halfWidth;
    const table = this.kernel;
    const center = Math.floor(t);
    let acc = 0;
    for (let k = center - hw + 1; k <= center + hw; k++) {
      // Samples before the stream started count as silence.
      if (k < this.bufStart || k >= end) continue;
      const pos = Math.abs(t - k) * TABLE_RES;
      const i = Math.floor(pos);
      if (i + 1 >= table.length) continue;
      const frac = pos - i;
      acc += buf[k - this.bufStart] * (table[i] + (table[i + 1] - table[i]) * frac);
    }
    return acc;
  }
}

const TABLE_RES = 512;

/** Samples fc·sinc(fc·d)·kaiser(d / halfWidth) for d = 0 … halfWidth. */
function kaiserSincTable(fc: number, halfWidth: number): Float32Array {
  const beta = 8.6;
  const i0b = besselI0(beta);
  const table = new Float32Array(halfWidth * TABLE_RES + 2);
  for (let i = 0; i < table.length; i++) {
    const d = i / TABLE_RES;
    const r = d / halfWidth;
    if (r >= 1) continue;
    const x = Math.PI * fc * d;
    const sinc = d === 0 ? 1 : Math.sin(x) / x;
    table[i] = fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0b);
  }
  return table;
}

/** Modified Bessel function of the first kind, order 0 (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export interface FrameEncoderOptions {
  /** The AudioContext's rate. */
  inputRate: number;
  /** The protocol rate; 16 kHz for protocol v1 clients. */
  outputRate?: number;
  /** Length of each posted frame; the protocol accepts any size, 20–100 ms keeps latency low. */
  frameMs?: number;
}

/** Turns multichannel float blocks into fixed-length mono PCM16 frames at the output rate. */
export class PcmFrameEncoder {
  readonly frameSamples: number;
  readonly outputRate: number;
  private readonly resampler: StreamingResampler;
  private frame: Int16Array;
  private filled = 0;

  constructor(options: FrameEncoderOptions) {
    this.outputRate = options.outputRate ?? 16000;
    const frameMs = options.frameMs ?? 40;
    if (!(frameMs >= 10 && frameMs <= 1000)) throw new RangeError('frameMs must be in [10, 1000]');
    this.frameSamples = Math.round((this.outputRate * frameMs) / 1000);
    this.resampler = new StreamingResampler(options.inputRate, this.outputRate);
    this.frame = new Int16Array(this.frameSamples);
  }

  /** Adds one block (one Float32Array per channel); returns every frame completed by it. */
  push(channels: readonly Float32Array[]): Int16Array[] {
    const mono = this.resampler.process(downmix(channels));
    const done: Int16Array[] = [];
    for (let i = 0; i < mono.length; i++) {
      this.frame[this.filled++] = floatToPcm16(mono[i]);
      if (this.filled === this.frameSamples) {
        done.push(this.frame);
        this.frame = new Int16Array(this.frameSamples);
        this.filled = 0;
      }
    }
    return done;
  }

  /** The incomplete last frame, if any (sent when capture stops so no audio is lost). */
  flush(): Int16Array | undefined {
    if (this.filled === 0) return undefined;
    const rest = this.frame.slice(0, this.filled);
    this.filled = 0;
    return rest;
  }
}
