import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { RealFft, realFft } from './real-fft.ts';

/** Direct O(P²) DFT in float64: the definition the FFT must reproduce. */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const P = x.length;
  const re = new Float64Array(P / 2 + 1);
  const im = new Float64Array(P / 2 + 1);
  for (let k = 0; k <= P / 2; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < P; t++) {
      const a = (-2 * Math.PI * ((k * t) % P)) / P;
      sr += x[t] * Math.cos(a);
      si += x[t] * Math.sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

function randomSignal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = s / 2147483647 - 0.5;
  }
  return x;
}

describe('RealFft', () => {
  it.each([4, 8, 16, 64, 512, 1024])('matches the direct DFT for size %i', (P) => {
    const x = randomSignal(P, P + 7);
    const ref = naiveDft(x);
    const re = new Float64Array(P / 2 + 1);
    const im = new Float64Array(P / 2 + 1);
    new RealFft(P).forward(x, re, im);
    const tol = 1e-9 * P;
    for (let k = 0; k <= P / 2; k++) {
      expect(Math.abs(re[k] - ref.re[k])).toBeLessThan(tol);
      expect(Math.abs(im[k] - ref.im[k])).toBeLessThan(tol);
    }
    expect(im[0]).toBe(0);
    expect(im[P / 2]).toBe(0);
  });

  it('is unnormalized: a unit impulse has |X_k| = 1, a constant puts P·c in bin 0', () => {
    const P = 512;
    const fft = realFft(P);
    const p = new Float64Array(P / 2 + 1);
    const impulse = new Float64Array(P);
    impulse[0] = 1;
    fft.powerSpectrum(impulse, p);
    for (let k = 0; k <= P / 2; k++) expect(p[k]).toBeCloseTo(1, 12);
    fft.powerSpectrum(new Float64Array(P).fill(0.25), p);
    expect(p[0]).toBeCloseTo((P * 0.25) ** 2, 6);
    for (let k = 1; k <= P / 2; k++) expect(p[k]).toBeLessThan(1e-20);
  });

  it('powerSpectrum equals |forward|² and leaves the input untouched', () => {
    const P = 512;
    const x = randomSignal(P, 99);
    const copy = x.slice();
    const fft = realFft(P);
    const re = new Float64Array(P / 2 + 1);
    const im = new Float64Array(P / 2 + 1);
    const p = new Float64Array(P / 2 + 1);
    fft.forward(x, re, im);
    fft.powerSpectrum(x, p);
    for (let k = 0; k <= P / 2; k++) expect(p[k]).toBeCloseTo(re[k] * re[k] + im[k] * im[k], 9);
    expect(x).toEqual(copy);
  });

  it('shares one instance per size', () => {
    expect(realFft(512)).toBe(realFft(512));
    expect(realFft(256)).not.toBe(realFft(512));
  });

  it.each([0, 3, 400, 2.5, -8])('rejects size %s with ASR_ERR_INVALID_CONFIG', (size) => {
    expect(() => new RealFft(size)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
  });
});
