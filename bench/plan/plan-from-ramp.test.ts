import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport, RampPoint } from '../report/bench-report.ts';
import { formatPlan, planFromRamp } from './plan-from-ramp.ts';

const point = (concurrency: number, p95: number, successRate = 1): RampPoint => ({ concurrency, successRate, p95FinalLatencyMs: p95, rejected: 0 });

function rampFile(): string {
  const report: BenchReport = {
    scenario: 'ramp', command: 'earshot bench ramp', machine: '2 cores', date: '2026-11-27', model: 'm',
    settings: { p95LimitMs: 1000 }, runs: [], notes: [],
    ramp: [
      { variant: 'earshot', workers: 2, capacity: 48, points: [point(16, 300), point(32, 600), point(48, 950), point(64, 1800)] },
      { variant: 'serial', workers: 1, capacity: 8, points: [point(8, 700), point(16, 5000, 0.5)] },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'ramp-2026-11-27.json');
  writeFileSync(file, JSON.stringify(report));
  return file;
}

describe('earshot plan from a ramp result', () => {
  const file = rampFile();

  it('plans from the measured capacity of the chosen variant', () => {
    const r = planFromRamp({ streams: 500, p95LimitMs: 1000, resultFile: file, variant: 'earshot', headroom: 0.75 });
    expect(r.input).toMatchObject({ machineCapacity: 48, workersPerMachine: 2 });
    expect(r.plan).toMatchObject({ perWorkerCapacity: 24, workers: 28, machines: 14 }); // 500 / (24 × 0.75) = 27.8
    expect(formatPlan(r)).toMatch(/workers:\s+28/);
    expect(planFromRamp({ streams: 500, p95LimitMs: 1000, resultFile: file, variant: 'serial', headroom: 0.75 }).plan.workers).toBe(84);
  });

  it('a stricter latency target re-reads the capacity from the ramp points', () => {
    const r = planFromRamp({ streams: 500, p95LimitMs: 700, resultFile: file, variant: 'earshot', headroom: 0.75 });
    expect(r.input.machineCapacity).toBe(32);
  });

  it('a looser target cannot go beyond what the ramp measured', () => {
    const r = planFromRamp({ streams: 500, p95LimitMs: 5000, resultFile: file, variant: 'earshot', headroom: 0.75 });
    expect(r.input.machineCapacity).toBe(48);
    expect(formatPlan(r)).toContain('not measured');
  });

  it('names what is wrong with a bad result file', () => {
    expect(() => planFromRamp({ streams: 1, p95LimitMs: 1000, resultFile: file, variant: 'sherpa-onnx', headroom: 0.7 })).toThrow(/no ramp for 'sherpa-onnx'/);
    const bad = join(mkdtempSync(join(tmpdir(), 'plan-')), 'x.json');
    writeFileSync(bad, '{"scenario":"herd"}');
    expect(() => planFromRamp({ streams: 1, p95LimitMs: 1000, resultFile: bad, variant: 'earshot', headroom: 0.7 })).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
    expect(() => planFromRamp({ streams: 1, p95LimitMs: 1000, resultFile: '/nonexistent.json', variant: 'earshot', headroom: 0.7 })).toThrow(/cannot read/);
  });
});
