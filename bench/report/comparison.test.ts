import { describe, expect, it } from 'vitest';
import { summarize } from '../stats.ts';
import type { LoadResult } from '../load/load-runner.ts';
import type { RampRun, VariantRun } from './bench-report.ts';
import { capacityRatios, formatRatio, ratio, ratioChecks, servedRatios } from './comparison.ts';

function run(variant: string, succeeded: number, sessions = 500): VariantRun {
  const empty = summarize([]);
  const result: LoadResult = {
    sessions, successRate: succeeded / sessions, succeeded, rejected: 0, timedOut: sessions - succeeded, errors: 0, wallMs: 1,
    audioSeconds: 1, finalLatency: empty, firstPartial: empty, queueWait: empty, ready: empty, firstResponse: empty, duplicateFinals: 0, outcomes: [],
  };
  return { variant, description: '', result, resources: [], peakRssMb: 0, meanCpuPercent: 0 };
}

const ramp = (variant: string, capacity: number): RampRun => ({ variant, points: [], capacity, workers: 1 });

describe('side-by-side aggregation', () => {
  it('divides sessions served by each baseline that ran', () => {
    const ratios = servedRatios([run('earshot', 500), run('serial', 110), run('sherpa-onnx', 400)]);
    expect(ratios.map((r) => [r.name, r.value])).toEqual([
      ['sessions served: earshot / serial', 500 / 110],
      ['sessions served: earshot / sherpa-onnx', 1.25],
    ]);
    expect(servedRatios([run('earshot', 500), run('serial', 110)])).toHaveLength(1);
    expect(servedRatios([run('serial', 110)])).toEqual([]);
  });

  it('a baseline that served nothing gives null (infinite), never NaN or a crash', () => {
    expect(ratio(5, 0)).toBeNull();
    const [r] = servedRatios([run('earshot', 500), run('serial', 0)]);
    expect(r.value).toBeNull();
    expect(formatRatio(r.value)).toContain('∞');
    expect(JSON.parse(JSON.stringify(r)).value).toBeNull();
  });

  it('capacity ratios carry the issue targets and become pass/fail checks', () => {
    const ratios = capacityRatios([ramp('earshot', 60), ramp('serial', 25), ramp('sherpa-onnx', 64)]);
    expect(ratios.map((r) => r.target)).toEqual([3, 1]);
    const checks = ratioChecks(ratios);
    expect(checks.map((c) => c.pass)).toEqual([false, false]); // 2.4× < 3×, 0.94× < 1×
    expect(checks[0].measured).toBe('2.40×');
    expect(ratioChecks(capacityRatios([ramp('earshot', 75), ramp('serial', 25)]))[0].pass).toBe(true);
  });

  it("reports what the LM search costs in capacity, with no target", () => {
    const ratios = capacityRatios([ramp('earshot', 80), ramp('earshot-lm', 60)]);
    expect(ratios).toEqual([{ name: 'real-time capacity: earshot-lm / earshot', numerator: 'earshot-lm', denominator: 'earshot', value: 0.75 }]);
    expect(ratioChecks(ratios)).toEqual([]);
  });
});
