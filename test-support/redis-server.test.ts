import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from './redis-server.ts';

describe('private redis-server helper', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves real commands and survives a restart', async () => {
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: null });
    await redis.connect();
    await redis.set('k', 'v');
    expect(await redis.get('k')).toBe('v');
    const before = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(before);
    // ioredis reconnects by itself; the restarted server starts empty (no persistence).
    expect(await redis.get('k')).toBeNull();
    redis.disconnect();
  });
});
