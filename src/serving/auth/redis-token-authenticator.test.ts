import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test-support/redis-server.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { ClusterKeys } from '../cluster/cluster-keys.ts';
import { HandshakeRefusedError } from './auth-errors.ts';
import type { HandshakeAuthenticator, HandshakeRequest } from './handshake-auth.ts';
import { OriginAllowList } from './origin-allow-list.ts';
import { RedisStreamQuota } from './redis-stream-quota.ts';
import { RedisTokenAuthenticator } from './redis-token-authenticator.ts';
import { RedisTokenStore } from './redis-token-store.ts';
import { StaticTokenAuthenticator } from './static-token-authenticator.ts';

async function refusal(auth: HandshakeAuthenticator, req: HandshakeRequest): Promise<[number, string]> {
  try {
    await auth.authenticate(req);
  } catch (err) {
    if (err instanceof HandshakeRefusedError) return [err.httpStatus, err.code];
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('team tokens in Redis', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  const keys = new ClusterKeys('test:');
  let clock = 1_000_000;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('stores only the hash, lists and revokes', async () => {
    const store = new RedisTokenStore(redis, keys);
    const { record, token } = await store.create({ name: 'team-a', maxStreams: 2, lifetimeMs: 60_000, now: clock });
    const raw = await redis.hgetall(keys.token(record.id));
    expect(Object.values(raw).join(' ')).not.toContain(token);
    expect(raw.hash).toBe(record.hash);
    expect((await store.list()).map((r) => r.name)).toContain('team-a');
    expect(await store.revoke(record.id)).toBe(true);
    expect(await store.revoke('000000000000')).toBe(false);
    expect((await store.get(record.id))?.revokedAt).toBeGreaterThan(0);
  });

  it('accepts Bearer and ?token=, refuses missing/invalid/expired with 401 and revoked with 403', async () => {
    const store = new RedisTokenStore(redis, keys);
    const auth = new RedisTokenAuthenticator(redis, keys, () => clock);
    const { record, token } = await store.create({ name: 'ok', maxStreams: 3, lifetimeMs: 60_000, now: clock });
    expect(await auth.authenticate({ headers: { authorization: `Bearer ${token}` } })).toEqual({ id: record.id, name: 'ok', maxStreams: 3 });
    expect((await auth.authenticate({ headers: {}, url: `/v1/listen?token=${token}` })).id).toBe(record.id);

    expect(await refusal(auth, { headers: {} })).toEqual([401, ErrorCode.Unauthorized]);
    expect(await refusal(auth, { headers: { authorization: 'Bearer nonsense' } })).toEqual([401, ErrorCode.Unauthorized]);
    // Right id, wrong secret.
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await refusal(auth, { headers: { authorization: `Bearer ${forged}` } })).toEqual([401, ErrorCode.Unauthorized]);

    clock += 60_001;
    expect(await refusal(auth, { headers: { authorization: `Bearer ${token}` } })).toEqual([401, ErrorCode.Unauthorized]);

    const other = await store.create({ name: 'gone', now: clock });
    await store.revoke(other.record.id);
    expect(await refusal(auth, { headers: { authorization: `Bearer ${other.token}` } })).toEqual([403, ErrorCode.Forbidden]);
  });

  it('refuses origins off the allow-list with 403 and lets originless clients through', async () => {
    const auth = new OriginAllowList(['https://app.example.com'], new StaticTokenAuthenticator('s'.repeat(32)));
    const good = { authorization: `Bearer ${'s'.repeat(32)}` };
    expect((await auth.authenticate({ headers: { ...good, origin: 'https://app.example.com' } })).id).toBe('local');
    expect((await auth.authenticate({ headers: good })).id).toBe('local');
    expect(await refusal(auth, { headers: { ...good, origin: 'https://evil.example.com' } })).toEqual([403, ErrorCode.Forbidden]);
    expect(await refusal(auth, { headers: { origin: 'https://app.example.com' } })).toEqual([401, ErrorCode.Unauthorized]);
  });

  it('enforces concurrent streams per token atomically, and expired leases free themselves', async () => {
    let now = 5_000;
    const quota = new RedisStreamQuota(redis, keys, 10_000, () => now);
    const p = { id: 'quota-token', name: 'q', maxStreams: 2 };
    await quota.acquire(p, 's1');
    await quota.acquire(p, 's2');
    await quota.acquire(p, 's2'); // idempotent for the same stream
    const third = await Promise.allSettled([quota.acquire(p, 's3'), quota.acquire(p, 's4')]);
    expect(third.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((third[0] as PromiseRejectedResult).reason.code).toBe(ErrorCode.QuotaExceeded);
    await quota.release(p, 's1');
    await quota.acquire(p, 's3');
    now += 10_001; // a crashed gateway never released: its leases lapse
    await quota.acquire(p, 's5');
    await quota.acquire(p, 's6');
    await expect(quota.acquire(p, 's7')).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded });
    await quota.acquire({ ...p, maxStreams: 0 }, 'unlimited');
  });
});
