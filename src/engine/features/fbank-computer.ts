import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { frameGeometry, resolvedHighFreq, validateFbankOptions, type FbankOptions, type FrameGeometry } from './fbank-options.ts';
import type { GaussianNoise } from './gaussian-noise.ts';
import { melBanks, type MelBanks } from './mel-banks.ts';
import { jsPowerSpectrum, type PowerSpectrumKernel } from './power-spectrum.ts';
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
  /** The FFT + |X|² kernel; its `input` buffer is where compute() puts the windowed frame. */
  readonly spectrum: PowerSpectrumKernel;
  private readonly power: Float64Array;
  private readonly energies: Float64Array;

  constructor(options: FbankOptions, spectrum?: PowerSpectrumKernel) {
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
    if (spectrum && spectrum.size !== fftSize) {
      throw new AsrError(ErrorCode.InvalidConfig, `fbank: spectrum kernel of size ${spectrum.size}, the frames need ${fftSize}`);
    }
    this.spectrum = spectrum ?? jsPowerSpectrum(fftSize);
    this.power = new Float64Array(fftSize / 2 + 1);
    this.energies = new Float64Array(options.numBins);
  }

  /**
   * `frame` holds the frame's L samples (already scaled) in [0, L); dither is added in place.
   * Writes numBins log-mel values to out[outOffset…].
   */
  compute(frame: Float64Array, out: Float32Array, outOffset: number, noise: GaussianNoise | null): void {
    const { dither, removeDcOffset, preemphCoeff, numBins } = this.options;
    const n = this.geometry.frameLength;
    if (dither !== 0 && noise) {
      for (let i = 0; i < n; i++) frame[i] += dither * noise.next();
    }
    let mean = 0;
    if (removeDcOffset) {
      for (let i = 0; i < n; i++) mean += frame[i];
      mean /= n;
    }
    // DC removal, pre-emphasis (backwards, x[0] scaled by 1 − c) and the window in one pass,
    // written straight into the kernel's input, zero-padded to P (computers of other frame
    // lengths share the kernel, so the tail is cleared every time).
    const w = this.window;
    const c = preemphCoeff;
    const x = this.spectrum.input;
    let next = frame[n - 1] - mean;
    for (let i = n - 1; i > 0; i--) {
      const prev = frame[i - 1] - mean;
      x[i] = (next - c * prev) * w[i];
      next = prev;
    }
    x[0] = (next - c * next) * w[0];
    x.fill(0, n);
    this.spectrum.compute(this.power);
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

/**
 * The shared computer (tables built once) for these options and spectrum kernel (default: the
 * float64 JS FFT, shared per size).
 */
export function fbankComputer(options: FbankOptions, spectrum?: PowerSpectrumKernel): FbankComputer {
  const kernel = spectrum ?? jsPowerSpectrum(frameGeometry(options).fftSize);
  const key = `${optionsKey(options)}|${kernel.name}`;
  let computer = cache.get(key);
  if (!computer || computer.spectrum !== kernel) {
    computer = new FbankComputer(options, kernel);
    cache.set(key, computer);
  }
  return computer;
}
