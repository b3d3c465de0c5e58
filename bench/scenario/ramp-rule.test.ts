import { describe, expect, it } from 'vitest';
import type { RampPoint } from '../report/bench-report.ts';
import { DEFAULT_RAMP_RULE, nextConcurrency, pointPasses, rampCapacity, type RampRule } from './ramp-rule.ts';

const ok = (concurrency: number, p95 = 300): RampPoint => ({ concurrency, successRate: 1, p95FinalLatencyMs: p95, rejected: 0 });
const bad = (concurrency: number, successRate = 0.9, p95 = 300): RampPoint => ({ concurrency, successRate, p95FinalLatencyMs: p95, rejected: 0 });
const rule: RampRule = { ...DEFAULT_RAMP_RULE, start: 10, growth: 2, maxConcurrency: 100, p95LimitMs: 1000, resolution: 0.1 };

describe('ramp stopping rule', () => {
  it('a step passes only with 100% success and p95 within the limit', () => {
    expect(pointPasses(ok(10, 1000), 1000)).toBe(true);
    expect(pointPasses(ok(10, 1001), 1000)).toBe(false);
    expect(pointPasses(bad(10, 0.99), 1000)).toBe(false);
    expect(pointPasses(ok(10, Number.NaN), 1000)).toBe(false);
  });

  it('grows geometrically while every step passes, up to the maximum', () => {
    expect(nextConcurrency([], rule)).toBe(10);
    expect(nextConcurrency([ok(10)], rule)).toBe(20);
    expect(nextConcurrency([ok(10), ok(20), ok(40), ok(80)], rule)).toBe(100);
    expect(nextConcurrency([ok(10), ok(20), ok(40), ok(80), ok(100)], rule)).toBeUndefined();
    expect(nextConcurrency([ok(1)], { ...rule, growth: 1.2 })).toBe(2); // always at least +1
  });

  it('bisects between the best pass and the first failure until the gap is small', () => {
    expect(nextConcurrency([ok(10), ok(20), bad(40)], rule)).toBe(30);
    expect(nextConcurrency([ok(10), ok(20), bad(40), ok(30)], rule)).toBe(35);
    expect(nextConcurrency([ok(10), ok(20), bad(40), ok(30), bad(35)], rule)).toBe(32);
    // gap 33→35 is within 10% of 33: done.
    expect(nextConcurrency([ok(10), ok(20), bad(40), ok(30), bad(35), ok(33)], rule)).toBeUndefined();
  });

  it('a p95 above the limit fails a step like a lost session does', () => {
    expect(nextConcurrency([ok(10), ok(20, 1500)], rule)).toBe(15);
  });

  it('capacity is the largest pass below the first failure; a lucky pass above it does not count', () => {
    expect(rampCapacity([ok(10), ok(20), bad(40), ok(30)], 1000)).toBe(30);
    expect(rampCapacity([ok(10), bad(20), ok(30)], 1000)).toBe(10);
    expect(rampCapacity([bad(10)], 1000)).toBe(0);
    expect(rampCapacity([ok(10), ok(20, 900)], 800)).toBe(10);
  });

  it('stops at once when even one stream fails', () => {
    expect(nextConcurrency([bad(1)], { ...rule, start: 1 })).toBeUndefined();
    expect(nextConcurrency([bad(10)], rule)).toBe(5);
  });
});
