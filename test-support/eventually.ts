import { vi } from 'vitest';

/**
 * Retries `assertion` until it passes. vi.waitFor's default of one second is a timed assertion
 * in disguise: on a loaded CI machine (training beside the tests) a socket round trip can take
 * longer. The limit here only ends a test that is really stuck.
 */
export function eventually<T>(assertion: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(assertion, { timeout: 60_000, interval: 20 });
}
