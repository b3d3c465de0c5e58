// Kaldi-compatible feature front-end (../shared/MODEL_INTERFACES.md §1): streaming fbank and resampler.
export {
  DEFAULT_FBANK_OPTIONS,
  PARAFORMER_FBANK_OPTIONS,
  WINDOW_TYPES,
  createFbankOptions,
  frameGeometry,
  resolvedHighFreq,
  validateFbankOptions,
  type FbankOptions,
  type FrameGeometry,
  type WindowType,
} from './fbank-options.ts';
export { FLT_EPSILON, FbankComputer, fbankComputer } from './fbank-computer.ts';
export { OnlineFbank } from './online-fbank.ts';
export {
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  RESAMPLER_NUM_ZEROS,
  Resampler,
  ResamplerFilter,
  resamplerFilter,
  validateSampleRate,
} from './resampler.ts';
export { MelBanks, melBanks, melScale, inverseMelScale, type MelBanksConfig } from './mel-banks.ts';
export { RealFft, realFft } from './real-fft.ts';
export { windowFunction } from './window-function.ts';
