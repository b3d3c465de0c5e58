import { describe, expect, it } from 'vitest';
import { cdf, percentile, summarize } from './stats.ts';

describe('bench statistics', () => {
  it('uses nearest-rank percentiles', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes and ignores non-finite samples', () => {
    const s = summarize([3, 1, Number.NaN, 2, Number.POSITIVE_INFINITY]);
    expect(s).toMatchObject({ count: 3, min: 1, max: 3, p50: 2, mean: 2 });
  });

  it('builds a monotone CDF ending at 1', () => {
    const points = cdf([5, 1, 3]);
    expect(points.map((p) => p.x)).toEqual([1, 3, 5]);
    expect(points.at(-1)?.y).toBe(1);
  });
});
