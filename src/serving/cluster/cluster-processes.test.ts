import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_MODEL, UTTERANCE_SECONDS, clip, directFinals, loadClusterRecognizer, spawnEarshot, startTestGateway, type EarshotProcess } from '../../../test-support/cluster-harness.ts';
import { SPEECH } from '../../../test-support/fixture-paths.ts';
import { startRedisServer, type RedisServerHandle } from '../../../test-support/redis-server.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { RedisTokenStore } from '../auth/redis-token-store.ts';
import { streamFile } from '../file-stream-client.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';
import type { ClusterGateway } from './cluster-gateway.ts';
import { ClusterKeys } from './cluster-keys.ts';

const PREFIX = 'p:';

/**
 * Real `earshot worker` processes (and a real `earshot gateway` with team tokens) on loopback:
 * the failover test kills a worker with SIGKILL while it decodes, and every utterance must still
 * arrive exactly once. Few processes on purpose: each one loads tsx and a model on a 2-core CI box.
 */
describe('Redis cluster with real processes', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let recognizer: OnlineRecognizer;
  let jfk: WavAudio;
  const procs: EarshotProcess[] = [];
  let open: ClusterGateway;
  let secured: EarshotProcess;
  const workers: EarshotProcess[] = [];

  beforeAll(async () => {
    [server, recognizer, jfk] = await Promise.all([startRedisServer(), loadClusterRecognizer(), readWavFile(SPEECH.jfk)]);
    redis = new Redis(server.url);
    const common = ['--redis-url', server.url, '--key-prefix', PREFIX, '--log-level', 'warn'];
    const worker = () =>
      spawnEarshot(['worker', ...common, '--model', CLUSTER_MODEL, '--capacity', '10', '--workers', '1', '--threads', '1', '--max-sessions', '24',
        '--heartbeat-ms', '250', '--ttl-ms', '3000', '--claim-idle-ms', '6000', '--metrics-port', '0', '--rule3-min-utterance-length', String(UTTERANCE_SECONDS)]);
    const gateway = (...extra: string[]) => spawnEarshot(['gateway', ...common, '--host', '127.0.0.1', '--port', '0', '--tick-ms', '100', ...extra]);
    const started = await Promise.all([worker(), worker(), gateway('--require-token', '--allow-origin', 'https://team.example')]);
    procs.push(...started);
    workers.push(...started.slice(0, 2));
    secured = started[2];
    open = await startTestGateway(server.url, PREFIX);
  }, 300_000);

  afterAll(async () => {
    await open?.close();
    await Promise.allSettled(procs.map((p) => p.stop()));
    redis?.disconnect();
    await recognizer?.dispose();
    await server?.stop();
  });

  it('kill -9 of a worker mid-utterance: every utterance of every session still arrives once, with the right text', async () => {
    const keys = new ClusterKeys(PREFIX);
    const inputs = Array.from({ length: 8 }, (_, i) => clip(jfk, (i * 0.37) % 6, 3.5 + (i % 3) * 0.5));
    const expected = await Promise.all(inputs.map((a) => directFinals(recognizer, a)));
    const runs = inputs.map((a) => streamFile(a, { url: open.url, realtime: true, chunkMs: 100 }));
    // Wait until sessions are spread and decoding, then kill the busiest worker outright.
    let victim: EarshotProcess | undefined;
    for (let i = 0; i < 600 && !victim; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const counts = await Promise.all(workers.map((w) => redis.scard(keys.workerSessions(w.hello.worker as string))));
      const total = counts.reduce((a, b) => a + b, 0);
      if (total >= inputs.length / 2 && Math.max(...counts) >= 2) victim = workers[counts.indexOf(Math.max(...counts))];
    }
    expect(victim).toBeDefined();
    await new Promise((r) => setTimeout(r, 1200)); // some finals delivered, some utterances in flight
    victim!.child.kill('SIGKILL');
    expect(await victim!.exited).toBe('SIGKILL');
    const results = await Promise.all(runs);
    results.forEach((r, i) => {
      expect(r.finals.map((f) => f.text)).toEqual(expected[i]);
      expect(r.finals.map((f) => f.utterance)).toEqual(expected[i].map((_, k) => k));
      expect(r.closeCode).toBe(1000);
    });
    // The survivors really replayed the dead worker's sessions.
    const survivors = workers.filter((w) => w !== victim);
    const replays = await Promise.all(survivors.map((w) => metric(w, 'earshot_cluster_sessions_claimed_total{kind="replay"}')));
    expect(replays.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(survivors.every((w) => w.child.exitCode === null)).toBe(true);
  }, 240_000);

  it('refuses missing, wrong, expired and revoked tokens and foreign origins; enforces the per-token stream quota', async () => {
    const store = new RedisTokenStore(redis, new ClusterKeys(PREFIX));
    const url = secured.hello.url as string;
    const good = await store.create({ name: 'team', maxStreams: 1 });
    const expired = await store.create({ name: 'old', lifetimeMs: 1, now: Date.now() - 1000 });
    const revoked = await store.create({ name: 'gone' });
    await store.revoke(revoked.record.id);

    expect(await handshake(url)).toMatchObject({ status: 401, code: ErrorCode.Unauthorized });
    expect(await handshake(url, `${good.token.slice(0, -2)}xx`)).toMatchObject({ status: 401, code: ErrorCode.Unauthorized });
    expect(await handshake(url, expired.token)).toMatchObject({ status: 401, code: ErrorCode.Unauthorized });
    expect(await handshake(url, revoked.token)).toMatchObject({ status: 403, code: ErrorCode.Forbidden });
    expect(await handshake(url, good.token, 'https://evil.example')).toMatchObject({ status: 403, code: ErrorCode.Forbidden });

    // One stream allowed: a second concurrent connection with the same token is refused.
    const first = await handshake(url, good.token, 'https://team.example', true);
    expect(first.status).toBe(101);
    expect(await handshake(url, `${good.token}`, undefined)).toMatchObject({ status: 429, code: ErrorCode.QuotaExceeded });
    first.ws!.close();
    await new Promise((r) => first.ws!.once('close', r));
    // The slot comes back when the connection closes; a full session then works with ?token=.
    const audio = clip(jfk, 2, 1.5);
    const result = await retry(() => streamFile(audio, { url: `${url}?token=${encodeURIComponent(good.token)}`, chunkMs: 100 }));
    expect(result.finals.map((f) => f.text)).toEqual(await directFinals(recognizer, audio));
  }, 120_000);
});

async function metric(w: EarshotProcess, series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${w.hello.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.split(' ').pop()) : 0;
}

interface Handshake {
  status: number;
  code?: string;
  ws?: WebSocket;
}

function handshake(url: string, token?: string, origin?: string, keepOpen = false): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (origin) headers.origin = origin;
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code?: string }).code });
      });
    });
    ws.on('open', () => {
      if (!keepOpen) ws.close();
      resolve({ status: 101, ws });
    });
    ws.on('error', (err) => reject(err));
  });
}

/** The quota slot is released when the server sees the socket close, a moment after the client does. */
async function retry<T>(run: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
