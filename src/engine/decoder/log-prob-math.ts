/** Index of the first maximum (std::max_element semantics). */
export function argmax(values: Float32Array, start: number, length: number): number {
  let best = start;
  let bestValue = values[start];
  for (let i = start + 1; i < start + length; i++) {
    if (values[i] > bestValue) {
      bestValue = values[i];
      best = i;
    }
  }
  return best - start;
}

const fround = Math.fround;

/**
 * In-place log-softmax of one row, in float32 arithmetic like sherpa-onnx's LogSoftmax<float>
 * (rounding at each step keeps beam rankings identical near ties).
 */
export function logSoftmaxRow(values: Float32Array, start: number, length: number): void {
  let max = values[start];
  for (let i = start + 1; i < start + length; i++) if (values[i] > max) max = values[i];
  let sum = 0;
  for (let i = start; i < start + length; i++) sum = fround(sum + Math.exp(fround(values[i] - max)));
  const offset = fround(max + Math.log(sum));
  for (let i = start; i < start + length; i++) values[i] = values[i] - offset;
}

// log(DBL_EPSILON): below this difference the smaller term vanishes.
const MIN_LOG_DIFF = -36.04365338911715;

/** log(exp(x) + exp(y)) in double, as sherpa-onnx merges equal hypotheses. */
export function logAdd(x: number, y: number): number {
  const [hi, diff] = x < y ? [y, x - y] : [x, y - x];
  return diff >= MIN_LOG_DIFF ? hi + Math.log1p(Math.exp(diff)) : hi;
}
