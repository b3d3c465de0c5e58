import { describe, expect, it } from 'vitest';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { JsPowerSpectrum, WasmPowerSpectrum, jsPowerSpectrum, loadPowerSpectrum, type SpectrumBackend } from './power-spectrum.ts';

/** Deterministic pseudo-random frame: speech-like mix of a tone, noise and a DC offset. */
function frame(size: number, seed: number): Float64Array {
  const x = new Float64Array(size);
  let s = seed;
  for (let i = 0; i < size; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = 0.4 * Math.sin(0.07 * i * (1 + seed)) + 0.1 * (s / 2147483647 - 0.5) + 0.02;
  }
  return x;
}

function powerOf(kernel: JsPowerSpectrum | WasmPowerSpectrum, x: Float64Array): Float64Array {
  kernel.input.set(x);
  const p = new Float64Array(kernel.size / 2 + 1);
  kernel.compute(p);
  return p;
}

describe('power spectrum kernels', () => {
  it.each([256, 512, 1024])('wasm (float32) agrees with the float64 JS FFT to float32 round-off, size %i', async (size) => {
    const wasm = await loadPowerSpectrum(size, 'wasm');
    expect(wasm.name).toBe('wasm-simd-float32');
    for (const seed of [1, 2, 3]) {
      const x = frame(size, seed);
      const expected = powerOf(jsPowerSpectrum(size), x);
      const got = powerOf(wasm as WasmPowerSpectrum, x);
      const peak = Math.max(...expected);
      let worst = 0;
      for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(got[k] - expected[k]) / peak);
      // float32 FFT round-off is ~1e-7 of the peak; a wrong bin order or scale is off by ≫ 1e-3.
      expect(worst).toBeLessThan(1e-5);
      expect(worst).toBeGreaterThan(0); // really a different (float32) implementation
    }
  });

  it('the JS kernel is the RealFft power spectrum (DC and Nyquist included)', () => {
    const k = new JsPowerSpectrum(8);
    k.input.set([1, 1, 1, 1, 1, 1, 1, 1]);
    const p = new Float64Array(5);
    k.compute(p);
    expect([...p]).toEqual([64, 0, 0, 0, 0]);
    k.input.set([1, -1, 1, -1, 1, -1, 1, -1]);
    k.compute(p);
    expect([...p]).toEqual([0, 0, 0, 0, 64]);
  });

  it('kernels are loaded once per backend and size', async () => {
    const a = await loadPowerSpectrum(512, 'wasm');
    expect(await loadPowerSpectrum(512, 'wasm')).toBe(a);
    expect(await loadPowerSpectrum(512, 'js')).toBe(jsPowerSpectrum(512));
    expect(await loadPowerSpectrum(512, 'js')).not.toBe(a);
  });

  it('sizes PFFFT cannot do (not a multiple of 32) get the JS kernel', async () => {
    expect((await loadPowerSpectrum(16, 'wasm')).name).toBe('js-float64');
    await expect(WasmPowerSpectrum.load(16)).rejects.toMatchObject({ code: ErrorCode.InvalidConfig });
  });

  it('an unknown backend → ASR_ERR_INVALID_CONFIG', () => {
    expect(() => loadPowerSpectrum(512, 'cuda' as SpectrumBackend)).toThrow(AsrError);
    expect(() => loadPowerSpectrum(512, 'cuda' as SpectrumBackend)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
  });
});
