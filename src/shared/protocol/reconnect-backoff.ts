import { AsrError } from '../errors.ts';
import { ErrorCode } from './error-codes.ts';

/** Exponential backoff with jitter for client reconnects (so a herd of clients spreads out). */
export interface ReconnectBackoffConfig {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Fraction of each delay randomized, [0, 1). */
  jitter: number;
  /** Attempts in a row without reaching the server before giving up. */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT_BACKOFF: Readonly<ReconnectBackoffConfig> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 5000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: 10,
});

export function validateReconnectBackoff(c: ReconnectBackoffConfig): ReconnectBackoffConfig {
  const bad = (m: string) => new AsrError(ErrorCode.InvalidConfig, `reconnect backoff: ${m}`);
  if (!(c.initialDelayMs >= 0)) throw bad('initialDelayMs must be >= 0');
  if (!(c.maxDelayMs >= c.initialDelayMs)) throw bad('maxDelayMs must be >= initialDelayMs');
  if (!(c.factor >= 1)) throw bad('factor must be >= 1');
  if (!(c.jitter >= 0 && c.jitter < 1)) throw bad('jitter must be in [0, 1)');
  if (!(Number.isInteger(c.maxAttempts) && c.maxAttempts >= 0)) throw bad('maxAttempts must be an integer >= 0');
  return c;
}

/** Delay before reconnect attempt `attempt` (0-based); `random` is injectable for tests. */
export function backoffDelay(c: ReconnectBackoffConfig, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(c.maxDelayMs, c.initialDelayMs * c.factor ** attempt);
  return Math.round(base * (1 - c.jitter + 2 * c.jitter * random()));
}
