import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test-support/redis-server.ts';
import { ClusterStore, type WorkerInfo } from './cluster-store.ts';

const info = (capacity: number): WorkerInfo => ({ capacity, models: ['m'], host: 'h', pid: 1, provider: 'cpu', maxBatch: 8, startedAt: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cluster data model (Lua scripts on a real Redis)', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let store: ClusterStore;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    store = new ClusterStore(redis, 't:');
  });
  beforeEach(async () => {
    await redis.flushall();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('admits up to the sum of live workers, queues the rest in arrival order across gateways, rejects beyond max waiting', async () => {
    await store.workerHeartbeat('w1', info(2), 5000, 5000, true, []);
    await store.workerHeartbeat('w2', info(1), 5000, 5000, true, []);
    expect((await store.gatewayTick('g1', 5000, true, [])).capacity).toBe(3);
    const gw = ['g1', 'g2'];
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await store.admit(`s${i}`, gw[i % 2], 2));
    expect(decisions.map((d) => d.state)).toEqual(['admitted', 'admitted', 'admitted', 'waiting', 'waiting', 'rejected']);
    expect(decisions[4]).toMatchObject({ position: 2, pending: 2 });
    let tick = await store.gatewayTick('g2', 5000, true, ['s3', 's5']);
    expect(tick.positions).toEqual([1, -1]);
    // A slot frees: the head (on the other gateway) is admitted, the next moves up.
    await store.leave('s0', 'g1', 1000);
    tick = await store.gatewayTick('g1', 5000, false, ['s3', 's4']);
    expect(tick.positions).toEqual([0, 1]);
    expect(tick).toMatchObject({ active: 3, waiting: 1, meanHoldMs: 1000, models: ['m'] });
    // More capacity appears: the queue drains.
    await store.workerHeartbeat('w3', info(5), 5000, 5000, true, []);
    tick = await store.gatewayTick('g1', 5000, false, ['s4']);
    expect(tick.positions).toEqual([0]);
    expect(tick.capacity).toBe(8);
  });

  it('counts only live workers, and reaps a dead worker by requeueing its sessions for replay', async () => {
    await store.workerHeartbeat('dead', info(4), 300, 300, true, []);
    await store.workerHeartbeat('live', info(1), 10_000, 10_000, true, []);
    await store.gatewayTick('g', 10_000, true, []);
    await store.openSession('s1', 'g', 'm', '{}');
    await store.ensureAssignGroup('m');
    expect(await store.claim('s1', 'dead', 300)).toMatchObject({ state: 'owned', epoch: 1, gateway: 'g' });
    expect(await store.claim('s1', 'live', 10_000)).toEqual({ state: 'taken' });
    expect(await store.claim('s1', 'dead', 300)).toEqual({ state: 'mine' });
    await store.ackFinal('s1', 2);
    await sleep(400);
    const tick = await store.gatewayTick('g', 10_000, false, []);
    expect(tick.capacity).toBe(1);
    const entries = await redis.xrange(store.keys.assign('m'), '-', '+');
    expect(entries.map(([, f]) => f)).toEqual([['sid', 's1'], ['sid', 's1', 'replay', '1']]);
    const claimed = await store.claim('s1', 'live', 10_000);
    expect(claimed).toMatchObject({ state: 'owned', epoch: 2, acked: 2 });
    // The dead worker is fenced: it can neither publish nor keep the session.
    expect(await store.publish('s1', 'dead', 'g', { t: 'final', u: 0, text: 'x' })).toBe(false);
    expect(await store.publish('s1', 'live', 'g', { t: 'final', u: 0, text: 'x' })).toBe(true);
    const hb = await store.workerHeartbeat('dead', info(4), 300, 300, false, ['s1']);
    expect(hb).toMatchObject({ fenced: true, lost: ['s1'] });
  });

  it('refuses audio for sessions Redis no longer has, and a dead gateway frees its slots', async () => {
    await store.workerHeartbeat('w', info(1), 10_000, 10_000, true, []);
    await store.gatewayTick('g', 300, true, []);
    expect((await store.admit('s1', 'g', 10)).state).toBe('admitted');
    expect((await store.admit('s2', 'g2', 10)).state).toBe('waiting');
    await store.openSession('s1', 'g', 'm', '{}');
    expect(await store.appendAudio('s1', 0, 'a', new Uint8Array([1, 2, 3]))).toBe(true);
    expect(await store.appendAudio('nope', 0, 'a', new Uint8Array([1]))).toBe(false);
    const [[, fields]] = await redis.xrangeBuffer(store.keys.audio('s1'), '-', '+');
    expect(fields.map((b) => b.toString('latin1'))).toEqual(['n', '0', 'k', 'a', 'd', '\x01\x02\x03']);
    await sleep(400);
    const tick = await store.gatewayTick('g2', 10_000, true, ['s2']);
    expect(tick.positions).toEqual([0]);
    expect(await redis.exists(store.keys.session('s1'), store.keys.audio('s1'))).toBe(0);
    expect((await store.gatewayTick('g', 300, false, [])).fenced).toBe(true);
  });
});
