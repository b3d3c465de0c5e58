import { frameGeometry, resolvedHighFreq, validateFbankOptions, type FbankOptions, type FrameGeometry } from './fbank-options.ts';
import type { GaussianNoise } from './gaussian-noise.ts';
import { melBanks, type MelBanks } from './mel-banks.ts';
import { realFft, type RealFft } from './real-fft.ts';
import { windowFunction } from './window-function.ts';

/** C's FLT_EPSILON: the log floor of knf/Kaldi. */
export const FLT_EPSILON = 1.1920929e-7;

/**
 * Turns one extracted frame of samples into log-mel features (MODEL_INTERFACES.md §1.2 steps 3–11).
 * Holds only read-only tables plus scratch, so one instance per options serves every stream;
 * get it from `fbankComputer(options)`. Per-stream state (dither noise, hence ditherSeed) lives
 * in the caller, so `options.ditherSeed` here is whatever the first stream had and is unused.
 */
export class FbankComputer {
  readonly options: Readonly<FbankOptions>;
  readonly geometry: Readonly<FrameGeometry>;
  readonly window: Float64Array;
  readonly melBanks: MelBanks;
  readonly fft: RealFft;
  private readonly power: Float64Array;
  private readonly energies: Float64Array;

  constructor(options: FbankOptions) {
    validateFbankOptions(options);
    this.options = Object.freeze({ ...options });
    this.geometry = Object.freeze(frameGeometry(options));
    const { frameLength, fftSize } = this.geometry;
    this.window = windowFunction(options.window, frameLength);
    this.melBanks = melBanks({
      numBins: options.numBins,
      sampleRate: options.sampleRate,
      fftSize,
      lowFreq: options.lowFreq,
      highFreq: resolvedHighFreq(options),
    });
    this.fft = realFft(fftSize);
    this.power = new Float64Array(fftSize / 2 + 1);
    this.energies = new Float64Array(options.numBins);
  }

  /**
   * `frame` holds the frame's L samples (already scaled) in [0, L); it is used as scratch and
   * must have length P. Writes numBins log-mel values to out[outOffset…].
   */
  compute(frame: Float64Array, out: Float32Array, outOffset: number, noise: GaussianNoise | null): void {
    const { dither, removeDcOffset, preemphCoeff, numBins } = this.options;
    const { frameLength: n, fftSize } = this.geometry;
    if (dither !== 0 && noise) {
      for (let i = 0; i < n; i++) frame[i] += dither * noise.next();
    }
    let mean = 0;
    if (removeDcOffset) {
      for (let i = 0; i < n; i++) mean += frame[i];
      mean /= n;
    }
    // DC removal, pre-emphasis (backwards, x[0] scaled by 1 − c) and the window in one pass.
    const w = this.window;
    const c = preemphCoeff;
    let next = frame[n - 1] - mean;
    for (let i = n - 1; i > 0; i--) {
      const prev = frame[i - 1] - mean;
      frame[i] = (next - c * prev) * w[i];
      next = prev;
    }
    frame[0] = (next - c * next) * w[0];
    frame.fill(0, n, fftSize);
    this.fft.powerSpectrum(frame, this.power);
    const e = this.energies;
    this.melBanks.apply(this.power, e);
    for (let m = 0; m < numBins; m++) {
      const v = e[m];
      out[outOffset + m] = Math.log(v > FLT_EPSILON ? v : FLT_EPSILON);
    }
  }
}

const cache = new Map<string, FbankComputer>();

/** Every option that changes a frame's value, in a fixed order. */
function optionsKey(o: FbankOptions): string {
  return [o.sampleRate, o.frameLengthMs, o.frameShiftMs, o.numBins, o.window, o.dither, o.preemphCoeff,
    o.removeDcOffset, o.snipEdges, o.lowFreq, o.highFreq, o.inputScale].join('|');
}

/** The shared computer (tables built once) for these options. */
export function fbankComputer(options: FbankOptions): FbankComputer {
  const key = optionsKey(options);
  let computer = cache.get(key);
  if (!computer) {
    computer = new FbankComputer(options);
    cache.set(key, computer);
  }
  return computer;
}
