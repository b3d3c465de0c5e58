import type { WindowType } from './fbank-options.ts';

/**
 * The analysis window of length `frameLength` (MODEL_INTERFACES.md §1.2 step 7), as knf builds it.
 * Returned arrays are cached and shared: treat them as read-only.
 */
export function windowFunction(type: WindowType, frameLength: number): Float64Array {
  const key = `${type}:${frameLength}`;
  let w = cache.get(key);
  if (!w) {
    w = computeWindow(type, frameLength);
    cache.set(key, w);
  }
  return w;
}

const cache = new Map<string, Float64Array>();

function computeWindow(type: WindowType, frameLength: number): Float64Array {
  const w = new Float64Array(frameLength);
  // 'hann' is torch's periodic Hann window; the others are symmetric (Kaldi).
  const a = (2 * Math.PI) / (type === 'hann' ? frameLength : frameLength - 1);
  for (let i = 0; i < frameLength; i++) {
    const c = Math.cos(a * i);
    switch (type) {
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * c, 0.85);
        break;
      case 'hamming':
        w[i] = 0.54 - 0.46 * c;
        break;
      case 'hanning':
      case 'hann':
        w[i] = 0.5 - 0.5 * c;
        break;
      case 'rectangular':
        w[i] = 1;
        break;
    }
  }
  return w;
}
