import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.ts';
import { backoffDelay, DEFAULT_RECONNECT_BACKOFF, validateReconnectBackoff } from './reconnect-backoff.ts';

describe('backoffDelay', () => {
  const c = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5, maxAttempts: 5 };

  it('doubles from the initial delay up to the cap', () => {
    const mid = () => 0.5; // jitter centred: no change
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(c, a, mid))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads delays by ±jitter', () => {
    expect(backoffDelay(c, 1, () => 0)).toBe(100);
    expect(backoffDelay(c, 1, () => 0.999999)).toBe(300);
  });
});

describe('validateReconnectBackoff', () => {
  it('accepts the defaults', () => {
    expect(validateReconnectBackoff({ ...DEFAULT_RECONNECT_BACKOFF })).toEqual(DEFAULT_RECONNECT_BACKOFF);
  });

  it.each([{ initialDelayMs: -1 }, { maxDelayMs: 1 }, { factor: 0.5 }, { jitter: 1 }, { maxAttempts: 1.5 }])('rejects %o', (patch) => {
    expect(() => validateReconnectBackoff({ ...DEFAULT_RECONNECT_BACKOFF, ...patch })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
  });
});
