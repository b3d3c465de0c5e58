import { describe, expect, it } from 'vitest';
import { planCapacity } from './capacity-plan.ts';

describe('capacity plan', () => {
  it('sizes workers from the measured per-worker capacity, with headroom', () => {
    // One machine of 2 workers sustained 100 streams: 50 per worker, RTF 0.02.
    const plan = planCapacity({ streams: 500, machineCapacity: 100, workersPerMachine: 2, headroom: 0.5 });
    expect(plan.perWorkerCapacity).toBe(50);
    expect(plan.effectiveRtf).toBeCloseTo(0.02, 12);
    expect(plan.workers).toBe(20); // 500 × 0.02 / 0.5, exactly: no spurious 21st worker
    expect(plan.machines).toBe(10);
    expect(plan.streamsPerMachine).toBe(50);
    expect(plan.utilization).toBe(0.5);
  });

  it('rounds workers up and machines up to whole machines', () => {
    const plan = planCapacity({ streams: 500, machineCapacity: 37, workersPerMachine: 1, headroom: 0.8 });
    expect(plan.workers).toBe(Math.ceil(500 / (37 * 0.8))); // 17
    expect(plan.machines).toBe(17);
    const three = planCapacity({ streams: 500, machineCapacity: 90, workersPerMachine: 3, headroom: 0.8 });
    expect(three.workers).toBe(21); // 500 / (30 × 0.8) = 20.8
    expect(three.machines).toBe(7);
    expect(three.utilization).toBeLessThanOrEqual(0.8);
  });

  it('never plans zero workers for a small load', () => {
    expect(planCapacity({ streams: 1, machineCapacity: 400, workersPerMachine: 4, headroom: 1 })).toMatchObject({ workers: 1, machines: 1 });
  });

  it.each([
    ['streams', { streams: 0 }],
    ['capacity', { machineCapacity: 0 }],
    ['workers per machine', { workersPerMachine: 0.5 }],
    ['headroom', { headroom: 1.5 }],
  ])('rejects a bad %s with ASR_ERR_INVALID_CONFIG', (field, patch) => {
    const input = { streams: 500, machineCapacity: 100, workersPerMachine: 2, headroom: 0.7, ...patch };
    expect(() => planCapacity(input)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringContaining(field) }));
  });
});
