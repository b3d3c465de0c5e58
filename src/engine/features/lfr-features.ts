/**
 * The encoder input of sherpa-onnx's streaming Paraformer for one chunk of fbank frames
 * (MODEL_INTERFACES.md §4.2 as sherpa-onnx's online-recognizer-paraformer-impl.h does it, which
 * differs from FunASR's runtime): low frame rate stacking without padding, CMVN, then sinusoidal
 * positions. float32 arithmetic step by step, as the C++ code computes it.
 */

const f32 = Math.fround;

/**
 * −ln(10000)/(7·80/2 − 1) as a C++ float literal: sherpa-onnx hard-codes it for 560-dim LFR
 * frames and uses it whatever the model's dims.
 */
const POSITION_SCALE = f32(-0.03301197265941284);

export interface LfrOptions {
  /** Fbank bins per frame. */
  featureDim: number;
  /** Fbank frames stacked into one LFR frame (lfr_window_size). */
  windowSize: number;
  /** Fbank frames between LFR frames (lfr_window_shift). */
  windowShift: number;
  /** Per LFR dim: y = (x + negMean) · invStddev. */
  negMean: Float32Array;
  invStddev: Float32Array;
}

export class LfrFeatures {
  /** Values per LFR frame. */
  readonly dim: number;
  private readonly timescales: Float32Array;

  constructor(private readonly options: LfrOptions) {
    this.dim = options.featureDim * options.windowSize;
    // float(exp(float(d · scale))), computed once: positions only multiply it.
    this.timescales = Float32Array.from({ length: Math.floor(this.dim / 2) }, (_, d) => Math.exp(f32(d * POSITION_SCALE)));
  }

  /** LFR frames made from `fbankFrames` frames: one per shift while a whole window fits. */
  framesFor(fbankFrames: number): number {
    const { windowSize, windowShift } = this.options;
    return fbankFrames < windowSize ? 0 : Math.floor((fbankFrames - windowSize) / windowShift) + 1;
  }

  /**
   * Writes framesFor(fbankFrames) LFR frames of `fbank` ((fbankFrames, featureDim) row-major) into
   * dst at dstOffset. `position` counts LFR frames before this chunk (they are numbered from 1).
   */
  compute(fbank: Float32Array, fbankFrames: number, position: number, dst: Float32Array, dstOffset: number): number {
    const { featureDim, windowShift, negMean, invStddev } = this.options;
    const dim = this.dim;
    const half = this.timescales.length;
    const frames = this.framesFor(fbankFrames);
    for (let t = 0; t < frames; t++) {
      const out = dstOffset + t * dim;
      // Consecutive fbank frames are contiguous, so a window is one run of values.
      const src = t * windowShift * featureDim;
      for (let d = 0; d < dim; d++) dst[out + d] = f32(f32(fbank[src + d] + negMean[d]) * invStddev[d]);
      const offset = t + 1 + position;
      for (let d = 0; d < half; d++) {
        // float sinf/cosf in C++; JS has only double sin/cos, so a rare value differs by one ulp.
        const x = f32(offset * this.timescales[d]);
        dst[out + d] = f32(dst[out + d] + f32(Math.sin(x)));
        dst[out + d + half] = f32(dst[out + d + half] + f32(Math.cos(x)));
      }
    }
    return frames;
  }
}
