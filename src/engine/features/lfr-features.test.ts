import { describe, expect, it } from 'vitest';
import { LfrFeatures } from './lfr-features.ts';

const F = 2;
const lfr = (negMean = 0, invStddev = 1) =>
  new LfrFeatures({ featureDim: F, windowSize: 3, windowShift: 2, negMean: new Float32Array(6).fill(negMean), invStddev: new Float32Array(6).fill(invStddev) });

describe('LfrFeatures', () => {
  it("stacks whole windows only: sherpa-onnx's 61 frames at 7/6 give 10", () => {
    expect(lfr().framesFor(7)).toBe(3);
    expect(lfr().framesFor(2)).toBe(0);
    const paraformer = new LfrFeatures({ featureDim: 80, windowSize: 7, windowShift: 6, negMean: new Float32Array(560), invStddev: new Float32Array(560) });
    expect(paraformer.framesFor(61)).toBe(10);
  });

  it('copies windows of consecutive frames, normalizes, then adds sin/cos positions', () => {
    const fbank = Float32Array.from({ length: 5 * F }, (_, i) => i);
    const out = new Float32Array(2 * 6);
    expect(lfr(-1, 2).compute(fbank, 5, 4, out, 0)).toBe(2);
    const scale = Math.fround(-0.03301197265941284);
    for (let t = 0; t < 2; t++) {
      for (let d = 0; d < 6; d++) {
        const k = d % 3;
        const x = Math.fround((t + 5) * Math.fround(Math.exp(Math.fround(k * scale))));
        const position = d < 3 ? Math.sin(x) : Math.cos(x);
        // Window t starts at fbank frame 2t, so value d is fbank value 2tF + d.
        expect(out[t * 6 + d]).toBeCloseTo((2 * t * F + d - 1) * 2 + position, 5);
      }
    }
  });
});
