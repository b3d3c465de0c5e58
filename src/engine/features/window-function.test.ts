import { describe, expect, it } from 'vitest';
import { loadReferenceWindows } from './fixtures/fbank-reference.ts';
import { windowFunction } from './window-function.ts';

describe('windowFunction', () => {
  const reference = loadReferenceWindows();

  it.each(['povey', 'hamming', 'hanning', 'hann'] as const)('%s matches torch’s window of 400 samples', (type) => {
    const ours = windowFunction(type, 400);
    const ref = reference[type];
    expect(ours.length).toBe(400);
    for (let i = 0; i < 400; i++) expect(Math.abs(ours[i] - ref[i])).toBeLessThan(1e-12);
  });

  it('povey and hanning are symmetric and zero at both ends; hann (periodic) is not symmetric', () => {
    for (const type of ['povey', 'hanning'] as const) {
      const w = windowFunction(type, 400);
      expect(w[0]).toBe(0);
      expect(w[399]).toBeCloseTo(0, 12);
      for (let i = 0; i < 200; i++) expect(w[i]).toBeCloseTo(w[399 - i], 12);
    }
    const hann = windowFunction('hann', 400);
    expect(hann[399]).toBeGreaterThan(1e-5);
  });

  it('rectangular is all ones', () => {
    expect(Array.from(windowFunction('rectangular', 400)).every((v) => v === 1)).toBe(true);
  });

  it('is built once per (type, length)', () => {
    expect(windowFunction('povey', 400)).toBe(windowFunction('povey', 400));
    expect(windowFunction('povey', 200)).not.toBe(windowFunction('povey', 400));
  });
});
