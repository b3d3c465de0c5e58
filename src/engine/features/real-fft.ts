import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/**
 * Unnormalized forward real FFT of a power-of-two size P (kiss_fftr convention, no 1/N):
 * X[k] = Σ x[t]·e^{−2πikt/P}, k = 0..P/2.
 * The P real samples are packed into a complex FFT of size P/2 (even → Re, odd → Im), which is
 * about twice as fast as a complex FFT of size P, then split into the real transform.
 * Tables (bit reversal, twiddles) are built once per size; get instances from `realFft(size)`.
 */
export class RealFft {
  readonly size: number;
  /** Complex FFT size, P/2. */
  private readonly half: number;
  private readonly bitReversed: Uint32Array;
  /** e^{−2πik/half} for k < half/2, for the complex butterflies. */
  private readonly cosHalf: Float64Array;
  private readonly sinHalf: Float64Array;
  /** e^{−2πik/P} for k ≤ half, for splitting the packed transform. */
  private readonly cosFull: Float64Array;
  private readonly sinFull: Float64Array;
  // Scratch for the complex transform; safe to share because calls are synchronous.
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new AsrError(ErrorCode.InvalidConfig, `real FFT size must be a power of two ≥ 4, got ${size}`);
    }
    this.size = size;
    const half = size / 2;
    this.half = half;
    const bits = Math.log2(half);
    this.bitReversed = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitReversed[i] = r;
    }
    this.cosHalf = new Float64Array(Math.max(1, half / 2));
    this.sinHalf = new Float64Array(Math.max(1, half / 2));
    for (let k = 0; k < half / 2; k++) {
      this.cosHalf[k] = Math.cos((2 * Math.PI * k) / half);
      this.sinHalf[k] = -Math.sin((2 * Math.PI * k) / half);
    }
    this.cosFull = new Float64Array(half + 1);
    this.sinFull = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.cosFull[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinFull[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
  }

  /** Full spectrum X[0..P/2] into outRe/outIm (each of length ≥ P/2+1). `input` is not modified. */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    this.packedTransform(input);
    const { re, im, half, cosFull, sinFull } = this;
    outRe[0] = re[0] + im[0];
    outIm[0] = 0;
    outRe[half] = re[0] - im[0];
    outIm[half] = 0;
    for (let k = 1; k < half; k++) {
      const a = re[k], b = im[k], c = re[half - k], d = im[half - k];
      // Even part E = (Z_k + conj Z_{h−k})/2, odd part O = (Z_k − conj Z_{h−k})/(2i).
      const er = 0.5 * (a + c), ei = 0.5 * (b - d);
      const or = 0.5 * (b + d), oi = 0.5 * (c - a);
      const wr = cosFull[k], wi = sinFull[k];
      outRe[k] = er + wr * or - wi * oi;
      outIm[k] = ei + wr * oi + wi * or;
    }
  }

  /** p[k] = Re(X_k)² + Im(X_k)² for k = 0..P/2 into `out` (length ≥ P/2+1). `input` is not modified. */
  powerSpectrum(input: ArrayLike<number>, out: Float64Array): void {
    this.packedTransform(input);
    const { re, im, half, cosFull, sinFull } = this;
    const dc = re[0] + im[0];
    const nyquist = re[0] - im[0];
    out[0] = dc * dc;
    out[half] = nyquist * nyquist;
    for (let k = 1; k < half; k++) {
      const a = re[k], b = im[k], c = re[half - k], d = im[half - k];
      const er = 0.5 * (a + c), ei = 0.5 * (b - d);
      const or = 0.5 * (b + d), oi = 0.5 * (c - a);
      const wr = cosFull[k], wi = sinFull[k];
      const xr = er + wr * or - wi * oi;
      const xi = ei + wr * oi + wi * or;
      out[k] = xr * xr + xi * xi;
    }
  }

  /** Complex FFT of z[t] = x[2t] + i·x[2t+1] into this.re/this.im (iterative radix-2 DIT, stages fused in pairs to halve the passes over memory). */
  private packedTransform(input: ArrayLike<number>): void {
    const { re, im, half, bitReversed, cosHalf, sinHalf } = this;
    for (let t = 0; t < half; t++) {
      const r = bitReversed[t];
      re[r] = input[2 * t];
      im[r] = input[2 * t + 1];
    }
    // The first two stages need no multiplications (twiddles 1 and −i): one radix-4 pass.
    if (half >= 4) {
      for (let p = 0; p < half; p += 4) {
        const ar = re[p] + re[p + 1], ai = im[p] + im[p + 1];
        const br = re[p] - re[p + 1], bi = im[p] - im[p + 1];
        const cr = re[p + 2] + re[p + 3], ci = im[p + 2] + im[p + 3];
        const dr = re[p + 2] - re[p + 3], di = im[p + 2] - im[p + 3];
        re[p] = ar + cr;
        im[p] = ai + ci;
        re[p + 2] = ar - cr;
        im[p + 2] = ai - ci;
        // b ± (−i)·d
        re[p + 1] = br + di;
        im[p + 1] = bi - dr;
        re[p + 3] = br - di;
        im[p + 3] = bi + dr;
      }
    } else {
      const r0 = re[0], i0 = im[0];
      re[0] = r0 + re[1];
      im[0] = i0 + im[1];
      re[1] = r0 - re[1];
      im[1] = i0 - im[1];
    }
    // Then two radix-2 stages (spans s and 2s) per pass over the data, and a last single one if needed.
    let span = 4;
    for (; span * 4 <= half; span *= 4) {
      const group = span * 4;
      const stride2 = half / group; // table step of W_{4s}
      for (let j = 0; j < span; j++) {
        const w2r = cosHalf[j * stride2], w2i = sinHalf[j * stride2];
        const w1r = cosHalf[2 * j * stride2], w1i = sinHalf[2 * j * stride2];
        for (let p0 = j; p0 < half; p0 += group) {
          const p1 = p0 + span, p2 = p1 + span, p3 = p2 + span;
          // Stage s: butterflies (p0, p1) and (p2, p3) with W_{2s}^j.
          const t1r = re[p1] * w1r - im[p1] * w1i, t1i = re[p1] * w1i + im[p1] * w1r;
          const t3r = re[p3] * w1r - im[p3] * w1i, t3i = re[p3] * w1i + im[p3] * w1r;
          const ar = re[p0] + t1r, ai = im[p0] + t1i;
          const br = re[p0] - t1r, bi = im[p0] - t1i;
          const cr = re[p2] + t3r, ci = im[p2] + t3i;
          const dr = re[p2] - t3r, di = im[p2] - t3i;
          // Stage 2s: (p0, p2) with W_{4s}^j, (p1, p3) with W_{4s}^{j+s} = −i·W_{4s}^j.
          const ucr = cr * w2r - ci * w2i, uci = cr * w2i + ci * w2r;
          const udr = dr * w2r - di * w2i, udi = dr * w2i + di * w2r;
          re[p0] = ar + ucr;
          im[p0] = ai + uci;
          re[p2] = ar - ucr;
          im[p2] = ai - uci;
          re[p1] = br + udi;
          im[p1] = bi - udr;
          re[p3] = br - udi;
          im[p3] = bi + udr;
        }
      }
    }
    if (span < half) {
      const step = span << 1;
      const tableStride = half / step;
      for (let j = 0; j < span; j++) {
        const wr = cosHalf[j * tableStride], wi = sinHalf[j * tableStride];
        for (let p = j; p < half; p += step) {
          const q = p + span;
          const qr = re[q] * wr - im[q] * wi;
          const qi = re[q] * wi + im[q] * wr;
          re[q] = re[p] - qr;
          im[q] = im[p] - qi;
          re[p] += qr;
          im[p] += qi;
        }
      }
    }
  }
}

const instances = new Map<number, RealFft>();

/** The shared RealFft of this size (tables are built once per process/worker). */
export function realFft(size: number): RealFft {
  let fft = instances.get(size);
  if (!fft) {
    fft = new RealFft(size);
    instances.set(size, fft);
  }
  return fft;
}
