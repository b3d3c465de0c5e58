import { describe, expect, it } from 'vitest';
import { argmax, logAdd, logSoftmaxRow } from './log-prob-math.ts';

describe('log-prob math', () => {
  it('argmax returns the first maximum within the row', () => {
    const v = Float32Array.from([9, 1, 5, 5, 2, 9]);
    expect(argmax(v, 1, 4)).toBe(1);
    expect(argmax(v, 0, 6)).toBe(0);
  });

  it('log-softmax rows sum to one in probability space and keep the order', () => {
    const v = Float32Array.from([100, 1, 2, 3, -1000, 0.5]);
    logSoftmaxRow(v, 1, 4);
    expect(v[0]).toBe(100);
    expect(v[5]).toBe(0.5);
    const p = [v[1], v[2], v[3], v[4]].map(Math.exp);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(v[3]).toBeGreaterThan(v[2]);
    expect(v[4]).toBeLessThan(-900);
  });

  it('logAdd is log(exp(x)+exp(y)), symmetric, and ignores a negligible term', () => {
    expect(logAdd(Math.log(0.25), Math.log(0.5))).toBeCloseTo(Math.log(0.75), 12);
    expect(logAdd(-3, -7)).toBe(logAdd(-7, -3));
    expect(logAdd(0, -100)).toBe(0);
    expect(logAdd(-Infinity, -2)).toBe(-2);
  });
});
