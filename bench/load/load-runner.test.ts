import { describe, expect, it } from 'vitest';
import { aggregateOutcomes } from './load-runner.ts';
import type { SessionOutcome } from './session-client.ts';

function outcome(id: number, patch: Partial<SessionOutcome>): SessionOutcome {
  return { id, startedAt: 0, success: false, timedOut: false, queueWaitMs: 0, maxQueuePosition: 0, finals: 0, duplicateFinals: 0, lastUtterance: -1, text: '', ...patch };
}

describe('load result aggregation', () => {
  const outcomes = [
    outcome(0, { success: true, finalLatencyMs: 100, firstResponseMs: 5, readyMs: 5, finals: 1, lastUtterance: 0 }),
    outcome(1, { success: true, finalLatencyMs: 300, firstResponseMs: 9, queueWaitMs: 2000, readyMs: 2009, finals: 2, duplicateFinals: 1, lastUtterance: 0 }),
    outcome(2, { rejectedStatus: 503, retryAfterS: 5, firstResponseMs: 3 }),
    outcome(3, { timedOut: true, firstResponseMs: 7 }),
    outcome(4, { errorCode: 'ECONNRESET' }),
  ];
  const r = aggregateOutcomes(outcomes, [4, 5, 3, 6, 4], 1234);

  it('counts every way a session can end, each once', () => {
    expect(r).toMatchObject({ sessions: 5, succeeded: 2, successRate: 0.4, rejected: 1, timedOut: 1, errors: 1, wallMs: 1234, audioSeconds: 22, duplicateFinals: 1 });
  });

  it('latency summaries cover served sessions; first response covers every answered one', () => {
    expect(r.finalLatency).toMatchObject({ count: 2, min: 100, max: 300, p50: 100, mean: 200 });
    expect(r.queueWait.max).toBe(2000);
    expect(r.firstResponse).toMatchObject({ count: 4, min: 3, max: 9 });
    expect(r.firstPartial.count).toBe(0);
  });

  it('an empty run is all zeros, not a division by zero', () => {
    const empty = aggregateOutcomes([], [], 0);
    expect(empty.successRate).toBe(0);
    expect(empty.finalLatency.count).toBe(0);
  });
});
