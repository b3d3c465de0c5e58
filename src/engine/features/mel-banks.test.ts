import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { loadReferenceMelBanks } from './fixtures/fbank-reference.ts';
import { MelBanks, inverseMelScale, melBanks, melScale } from './mel-banks.ts';

const SHERPA = { numBins: 80, sampleRate: 16000, fftSize: 512, lowFreq: 20, highFreq: 7600 };

describe('MelBanks', () => {
  it('equals torchaudio’s Kaldi mel matrix (80 × 256, 20–7600 Hz)', () => {
    const ref = loadReferenceMelBanks();
    const banks = new MelBanks(SHERPA);
    let maxDiff = 0;
    for (let m = 0; m < 80; m++) {
      for (let i = 0; i < 256; i++) maxDiff = Math.max(maxDiff, Math.abs(banks.weight(m, i) - ref[m * 256 + i]));
    }
    // The reference is float64 rounded to float32 on disk.
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('stores each band as one contiguous run of positive weights ≤ 1, inside bins 0..255', () => {
    const banks = new MelBanks(SHERPA);
    for (let m = 0; m < 80; m++) {
      const n = banks.offset[m + 1] - banks.offset[m];
      expect(n).toBeGreaterThan(0);
      expect(banks.firstBin[m] + n).toBeLessThanOrEqual(256);
      for (let k = banks.offset[m]; k < banks.offset[m + 1]; k++) {
        expect(banks.weights[k]).toBeGreaterThan(0);
        expect(banks.weights[k]).toBeLessThanOrEqual(1);
      }
      if (m > 0) expect(banks.firstBin[m]).toBeGreaterThanOrEqual(banks.firstBin[m - 1]);
    }
    // 7600 Hz is bin 243.2: nothing above it may carry weight.
    const last = banks.firstBin[79] + banks.offset[80] - banks.offset[79] - 1;
    expect(last).toBe(243);
  });

  it('apply() is the sparse product Σ_i w[m][i]·p[i] and ignores the Nyquist bin', () => {
    const banks = new MelBanks(SHERPA);
    const p = new Float64Array(257);
    for (let i = 0; i < 257; i++) p[i] = 1 + ((i * 37) % 11);
    const out = new Float64Array(80);
    banks.apply(p, out);
    for (let m = 0; m < 80; m++) {
      let dense = 0;
      for (let i = 0; i < 256; i++) dense += banks.weight(m, i) * p[i];
      expect(out[m]).toBeCloseTo(dense, 10);
    }
    const withNyquist = p.slice();
    withNyquist[256] = 1e9;
    const out2 = new Float64Array(80);
    new MelBanks({ ...SHERPA, highFreq: 8000 }).apply(withNyquist, out2);
    expect(Math.max(...out2)).toBeLessThan(1e6);
  });

  it('mel scale round-trips', () => {
    for (const hz of [0, 20, 700, 7600, 8000]) expect(inverseMelScale(melScale(hz))).toBeCloseTo(hz, 8);
    expect(melScale(700)).toBeCloseTo(1127 * Math.log(2), 10);
  });

  it('is shared per configuration', () => {
    expect(melBanks(SHERPA)).toBe(melBanks({ ...SHERPA }));
    expect(melBanks({ ...SHERPA, highFreq: 8000 })).not.toBe(melBanks(SHERPA));
  });

  it('rejects a band that covers no FFT bin with ASR_ERR_INVALID_CONFIG', () => {
    expect(() => new MelBanks({ ...SHERPA, numBins: 400 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
  });
});
