import type { RampPoint } from '../report/bench-report.ts';

/** How `earshot bench ramp` walks up the concurrency until the machine stops keeping up. */
export interface RampRule {
  /** First concurrency tried. */
  start: number;
  /** Next step = ceil(last × growth) while every step passes. */
  growth: number;
  maxConcurrency: number;
  /** A step passes with 100% success and p95 final latency at most this. */
  p95LimitMs: number;
  /** After the first failure, bisect until the gap is within this fraction of the capacity (at least 1). */
  resolution: number;
}

export const DEFAULT_RAMP_RULE: RampRule = { start: 8, growth: 1.5, maxConcurrency: 2000, p95LimitMs: 1000, resolution: 0.1 };

export function pointPasses(p: RampPoint, p95LimitMs: number): boolean {
  return p.successRate >= 1 && Number.isFinite(p.p95FinalLatencyMs) && p.p95FinalLatencyMs <= p95LimitMs;
}

/** Lowest concurrency that failed, or undefined. */
function firstFailure(points: readonly RampPoint[], p95LimitMs: number): number | undefined {
  const failed = points.filter((p) => !pointPasses(p, p95LimitMs)).map((p) => p.concurrency);
  return failed.length ? Math.min(...failed) : undefined;
}

/**
 * Real-time capacity: the largest concurrency that passed below the lowest one that failed
 * (a lucky pass above a failure does not count). 0 when nothing passed.
 */
export function rampCapacity(points: readonly RampPoint[], p95LimitMs: number): number {
  const fail = firstFailure(points, p95LimitMs) ?? Number.POSITIVE_INFINITY;
  const passed = points.filter((p) => pointPasses(p, p95LimitMs) && p.concurrency < fail).map((p) => p.concurrency);
  return passed.length ? Math.max(...passed) : 0;
}

/** The next concurrency to try, or undefined when the capacity is known well enough. */
export function nextConcurrency(points: readonly RampPoint[], rule: RampRule): number | undefined {
  if (points.length === 0) return Math.min(rule.start, rule.maxConcurrency);
  const fail = firstFailure(points, rule.p95LimitMs);
  const capacity = rampCapacity(points, rule.p95LimitMs);
  if (fail === undefined) {
    const last = Math.max(...points.map((p) => p.concurrency));
    if (last >= rule.maxConcurrency) return undefined;
    return Math.min(rule.maxConcurrency, Math.max(last + 1, Math.ceil(last * rule.growth)));
  }
  const tolerance = Math.max(1, Math.floor(capacity * rule.resolution));
  if (fail - capacity <= tolerance) return undefined;
  return Math.floor((capacity + fail) / 2);
}
