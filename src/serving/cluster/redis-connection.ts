import { Redis } from 'ioredis';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

export interface RedisConnectionOptions {
  url: string;
  /** Shown in CLIENT LIST, for operators. */
  name: string;
  /**
   * Reject commands at once while disconnected instead of queueing them: a gateway must tell a
   * client its audio was not stored, not hold it in memory and hope.
   */
  failFast?: boolean;
  /** Longest pause between reconnect attempts. */
  maxBackoffMs?: number;
}

/** Exponential reconnect backoff with jitter, capped: 100 ms, 200 ms, … maxBackoffMs. Never gives up. */
export function reconnectDelay(attempt: number, maxBackoffMs = 2000): number {
  const base = Math.min(maxBackoffMs, 100 * 2 ** Math.min(attempt - 1, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function createRedis(options: RedisConnectionOptions): Redis {
  const redis = new Redis(options.url, {
    connectionName: options.name,
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 0 : null,
    enableOfflineQueue: !options.failFast,
    retryStrategy: (attempt) => reconnectDelay(attempt, options.maxBackoffMs),
  });
  // Errors surface through rejected commands and the owners' 'close'/'ready' handlers; without a
  // listener ioredis would print every failed reconnect.
  redis.on('error', () => undefined);
  return redis;
}

/** Connects (lazily created clients) and waits until the connection is ready. */
export async function connectRedis(options: RedisConnectionOptions, timeoutMs = 10_000): Promise<Redis> {
  const redis = createRedis(options);
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  redis.connect().catch(() => undefined); // retried by retryStrategy
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AsrError(ErrorCode.BackendUnavailable, `Redis at ${redactUrl(options.url)} not reachable within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (err) {
    redis.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
