import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import {
  DEFAULT_FBANK_OPTIONS,
  PARAFORMER_FBANK_OPTIONS,
  createFbankOptions,
  frameGeometry,
  resolvedHighFreq,
  validateFbankOptions,
  type FbankOptions,
} from './fbank-options.ts';

const invalidConfig = expect.objectContaining({ code: ErrorCode.InvalidConfig });

describe('FbankOptions', () => {
  it('defaults are sherpa-onnx’s (MODEL_INTERFACES.md §1.1)', () => {
    expect(DEFAULT_FBANK_OPTIONS).toMatchObject({
      sampleRate: 16000, frameLengthMs: 25, frameShiftMs: 10, numBins: 80, window: 'povey', dither: 0,
      preemphCoeff: 0.97, removeDcOffset: true, snipEdges: false, lowFreq: 20, highFreq: -400, inputScale: 1,
    });
    expect(frameGeometry(DEFAULT_FBANK_OPTIONS)).toEqual({ frameLength: 400, frameShift: 160, fftSize: 512 });
    expect(resolvedHighFreq(DEFAULT_FBANK_OPTIONS)).toBe(7600);
  });

  it('the Paraformer variant is hamming, snip_edges, Nyquist, ×32768', () => {
    expect(PARAFORMER_FBANK_OPTIONS).toMatchObject({ window: 'hamming', snipEdges: true, highFreq: 0, inputScale: 32768 });
    expect(resolvedHighFreq(PARAFORMER_FBANK_OPTIONS)).toBe(8000);
    expect(() => validateFbankOptions(PARAFORMER_FBANK_OPTIONS)).not.toThrow();
  });

  it('createFbankOptions merges overrides onto the defaults', () => {
    expect(createFbankOptions({ numBins: 40 })).toEqual({ ...DEFAULT_FBANK_OPTIONS, numBins: 40 });
  });

  it.each<[string, Partial<FbankOptions>]>([
    ['zero sample rate', { sampleRate: 0 }],
    ['fractional sample rate', { sampleRate: 16000.5 }],
    ['NaN frame length', { frameLengthMs: Number.NaN }],
    ['frame shift below one sample', { frameShiftMs: 0.01 }],
    ['unknown window', { window: 'blackman' as never }],
    ['two mel bins', { numBins: 2 }],
    ['fractional bins', { numBins: 80.5 }],
    ['negative dither', { dither: -1 }],
    ['preemphasis above 1', { preemphCoeff: 1.5 }],
    ['zero input scale', { inputScale: 0 }],
    ['infinite input scale', { inputScale: Number.POSITIVE_INFINITY }],
    ['low freq at Nyquist', { lowFreq: 8000 }],
    ['high freq above Nyquist', { highFreq: 9000 }],
    ['high freq below low freq', { lowFreq: 3000, highFreq: -6000 }],
    ['non-boolean snipEdges', { snipEdges: 'yes' as never }],
  ])('rejects %s with ASR_ERR_INVALID_CONFIG', (_name, override) => {
    expect(() => createFbankOptions(override)).toThrow(invalidConfig);
  });
});
