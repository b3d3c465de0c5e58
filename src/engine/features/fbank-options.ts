import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

export type WindowType = 'povey' | 'hamming' | 'hanning' | 'hann' | 'rectangular';

export const WINDOW_TYPES: readonly WindowType[] = ['povey', 'hamming', 'hanning', 'hann', 'rectangular'];

/** Kaldi fbank options (../shared/MODEL_INTERFACES.md §1.1); names follow kaldi-native-fbank. */
export interface FbankOptions {
  sampleRate: number;
  frameLengthMs: number;
  frameShiftMs: number;
  numBins: number;
  window: WindowType;
  /** Standard deviation of Gaussian noise added to each frame sample (in input-scale units); 0 = off. */
  dither: number;
  /** Seed of the dither noise generator (so dithered features are reproducible). */
  ditherSeed: number;
  preemphCoeff: number;
  removeDcOffset: boolean;
  snipEdges: boolean;
  lowFreq: number;
  /** > 0: Hz as is; <= 0: offset from Nyquist (−400 → 7600 Hz at 16 kHz). */
  highFreq: number;
  /** Samples are multiplied by this before anything else (1 for icefall/NeMo, 32768 for Paraformer). */
  inputScale: number;
}

/** sherpa-onnx's defaults for icefall / zipformer / CTC models. */
export const DEFAULT_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  sampleRate: 16000,
  frameLengthMs: 25,
  frameShiftMs: 10,
  numBins: 80,
  window: 'povey',
  dither: 0,
  ditherSeed: 0,
  preemphCoeff: 0.97,
  removeDcOffset: true,
  snipEdges: false,
  lowFreq: 20,
  highFreq: -400,
  inputScale: 1,
});

/** FunASR / sherpa-onnx Paraformer front-end (MODEL_INTERFACES.md §1.1, §4.2), with dither off for determinism. */
export const PARAFORMER_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  ...DEFAULT_FBANK_OPTIONS,
  window: 'hamming',
  snipEdges: true,
  highFreq: 0,
  inputScale: 32768,
});

/** Frame geometry derived from the options, in samples. */
export interface FrameGeometry {
  /** Window length L (400 at 16 kHz / 25 ms). */
  frameLength: number;
  /** Frame shift S (160 at 16 kHz / 10 ms). */
  frameShift: number;
  /** FFT size P: next power of two ≥ L (512). */
  fftSize: number;
}

export function createFbankOptions(overrides: Partial<FbankOptions> = {}): FbankOptions {
  const options = { ...DEFAULT_FBANK_OPTIONS, ...overrides };
  validateFbankOptions(options);
  return options;
}

function invalid(message: string): AsrError {
  return new AsrError(ErrorCode.InvalidConfig, `fbank: ${message}`);
}

function requireFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number, got ${String(value)}`);
}

/** Throws AsrError(InvalidConfig) unless the options describe a computable Kaldi fbank. */
export function validateFbankOptions(o: FbankOptions): void {
  for (const key of ['sampleRate', 'frameLengthMs', 'frameShiftMs', 'numBins', 'dither', 'ditherSeed', 'preemphCoeff', 'lowFreq', 'highFreq', 'inputScale'] as const) {
    requireFinite(key, o[key]);
  }
  if (!Number.isInteger(o.sampleRate) || o.sampleRate <= 0) throw invalid(`sampleRate must be a positive integer, got ${o.sampleRate}`);
  if (!WINDOW_TYPES.includes(o.window)) throw invalid(`window must be one of ${WINDOW_TYPES.join(', ')}, got ${String(o.window)}`);
  if (!Number.isInteger(o.numBins) || o.numBins < 3) throw invalid(`numBins must be an integer ≥ 3, got ${o.numBins}`);
  if (o.dither < 0) throw invalid(`dither must be ≥ 0, got ${o.dither}`);
  if (o.preemphCoeff < 0 || o.preemphCoeff > 1) throw invalid(`preemphCoeff must be in [0, 1], got ${o.preemphCoeff}`);
  if (o.inputScale <= 0) throw invalid(`inputScale must be > 0, got ${o.inputScale}`);
  if (typeof o.removeDcOffset !== 'boolean') throw invalid('removeDcOffset must be a boolean');
  if (typeof o.snipEdges !== 'boolean') throw invalid('snipEdges must be a boolean');
  const { frameLength, frameShift } = frameGeometry(o);
  if (frameLength < 2) throw invalid(`frameLengthMs ${o.frameLengthMs} gives ${frameLength} samples; need ≥ 2`);
  if (frameShift < 1) throw invalid(`frameShiftMs ${o.frameShiftMs} gives ${frameShift} samples; need ≥ 1`);
  const nyquist = o.sampleRate / 2;
  const high = resolvedHighFreq(o);
  if (o.lowFreq < 0 || o.lowFreq >= nyquist) throw invalid(`lowFreq must be in [0, ${nyquist}), got ${o.lowFreq}`);
  if (high <= o.lowFreq || high > nyquist) {
    throw invalid(`highFreq ${o.highFreq} resolves to ${high} Hz; need lowFreq (${o.lowFreq}) < high ≤ Nyquist (${nyquist})`);
  }
}

/** Kaldi truncates the sample counts (WindowSize/WindowShift use static_cast<int32>). */
export function frameGeometry(o: FbankOptions): FrameGeometry {
  const frameLength = Math.trunc(o.sampleRate * 0.001 * o.frameLengthMs);
  const frameShift = Math.trunc(o.sampleRate * 0.001 * o.frameShiftMs);
  let fftSize = 1;
  while (fftSize < frameLength) fftSize *= 2;
  return { frameLength, frameShift, fftSize };
}

/** high_freq ≤ 0 counts back from Nyquist, as in Kaldi's MelBanks. */
export function resolvedHighFreq(o: FbankOptions): number {
  return o.highFreq > 0 ? o.highFreq : o.sampleRate / 2 + o.highFreq;
}
