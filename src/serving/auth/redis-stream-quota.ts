import type { Redis } from 'ioredis';
import type { ClusterKeys } from '../cluster/cluster-keys.ts';
import { QuotaExceededError } from './auth-errors.ts';
import type { Principal, StreamQuota } from './handshake-auth.ts';

// KEYS[1] token streams ZSET; ARGV: stream id, now ms, lease ms, max streams.
// Expired leases (a gateway that died without releasing) are dropped before counting.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local max = tonumber(ARGV[4])
if max > 0 and redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= max then
  return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Per-token concurrent streams as a sorted set of live stream ids scored by lease expiry:
 * atomic admission in Lua, and a safety TTL so a crashed gateway's streams free themselves.
 * The gateway renews the leases of its open streams (renew()) well within `leaseMs`.
 */
export class RedisStreamQuota implements StreamQuota {
  private readonly held = new Map<string, Principal>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly leaseMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(principal: Principal, streamId: string): Promise<void> {
    if (principal.maxStreams <= 0) return;
    const ok = await this.redis.eval(ACQUIRE, 1, this.keys.tokenStreams(principal.id), streamId, this.now(), this.leaseMs, principal.maxStreams);
    if (ok !== 1) throw new QuotaExceededError(`token '${principal.name}' already has ${principal.maxStreams} concurrent stream(s)`);
    this.held.set(streamId, principal);
  }

  async release(principal: Principal, streamId: string): Promise<void> {
    this.held.delete(streamId);
    if (principal.maxStreams <= 0) return;
    await this.redis.zrem(this.keys.tokenStreams(principal.id), streamId);
  }

  /** Extends the leases of every stream this process holds; call every leaseMs / 3 or so. */
  async renew(): Promise<void> {
    const expiry = this.now() + this.leaseMs;
    const pipeline = this.redis.pipeline();
    for (const [streamId, principal] of this.held) {
      pipeline.zadd(this.keys.tokenStreams(principal.id), 'XX', expiry, streamId);
      pipeline.pexpire(this.keys.tokenStreams(principal.id), this.leaseMs);
    }
    if (this.held.size > 0) await pipeline.exec();
  }
}
