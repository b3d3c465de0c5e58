/**
 * Continuous integrate-and-fire (CIF), the Paraformer predictor's search (MODEL_INTERFACES.md
 * §4.4, threshold 1, no tail frame — as sherpa-onnx's streaming Paraformer runs it): encoder
 * frames are summed, weighted by their alphas, and each time the weights reach 1 the sum so far
 * is emitted as one acoustic embedding (one token). The partial sum carries to the next chunk.
 * float32 arithmetic step by step, as the C++ code, so every fire decision matches.
 */

const f32 = Math.fround;
const THRESHOLD = 1;

export interface CifState {
  /** The weighted sum of frames since the last fire (not divided by the weight). */
  hidden: Float32Array;
  /** Accumulated weight since the last fire, below 1 unless one frame's alpha was above 1. */
  weight: number;
}

export function initialCifState(dim: number): CifState {
  return { hidden: new Float32Array(dim), weight: 0 };
}

/**
 * Integrates `frames` frames of `enc` (frames × dim from encOffset) with their `alphas` (from
 * alphaOffset) into `state`; returns the fired embeddings (count × dim). At most one fire per frame.
 */
export function integrateAndFire(
  enc: Float32Array,
  encOffset: number,
  alphas: Float32Array,
  alphaOffset: number,
  frames: number,
  state: CifState,
): { embeddings: Float32Array; count: number } {
  const h = state.hidden;
  const dim = h.length;
  const fired = new Float32Array(frames * dim);
  let count = 0;
  let weight = state.weight;
  for (let t = 0; t < frames; t++) {
    const alpha = alphas[alphaOffset + t];
    const x = encOffset + t * dim;
    if (f32(weight + alpha) < THRESHOLD) {
      weight = f32(weight + alpha);
      for (let k = 0; k < dim; k++) h[k] = f32(h[k] + f32(enc[x + k] * alpha));
      continue;
    }
    const rest = f32(THRESHOLD - weight);
    for (let k = 0; k < dim; k++) h[k] = f32(h[k] + f32(enc[x + k] * rest));
    fired.set(h, count * dim);
    count++;
    // The part of this frame's alpha beyond the threshold starts the next sum.
    weight = f32(weight + f32(alpha - THRESHOLD));
    for (let k = 0; k < dim; k++) h[k] = f32(enc[x + k] * weight);
  }
  state.weight = weight;
  return { embeddings: fired.slice(0, count * dim), count };
}
