import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip, directFinals, loadClusterRecognizer, startTestGateway, startTestWorker } from '../../../test-support/cluster-harness.ts';
import { SPEECH } from '../../../test-support/fixture-paths.ts';
import { startRedisServer, type RedisServerHandle } from '../../../test-support/redis-server.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { QueueStatusMessage } from '../../shared/protocol/messages.ts';
import { streamFile, type FileStreamResult } from '../file-stream-client.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';
import type { ClusterGateway } from './cluster-gateway.ts';
import type { WorkerHost } from './worker-host.ts';

function expectExactlyOnce(result: FileStreamResult, expected: string[]): void {
  expect(result.finals.map((f) => f.text)).toEqual(expected);
  expect(result.finals.map((f) => f.utterance)).toEqual(expected.map((_, i) => i));
  expect(result.closeCode).toBe(1000);
}

describe('Redis cluster, in-process gateways and workers on a real redis-server', () => {
  let server: RedisServerHandle;
  let recognizer: OnlineRecognizer;
  let jfk: WavAudio;
  const gateways: ClusterGateway[] = [];
  const workers: WorkerHost[] = [];

  beforeAll(async () => {
    [server, recognizer, jfk] = await Promise.all([startRedisServer(), loadClusterRecognizer(), readWavFile(SPEECH.jfk)]);
  });
  afterAll(async () => {
    await Promise.allSettled(gateways.map((g) => g.close()));
    await Promise.allSettled(workers.map((w) => w.close()));
    await recognizer?.dispose();
    await server?.stop();
  });

  it('2 gateways + 3 workers transcribe 30 concurrent sessions exactly like the engine, each final once', async () => {
    const prefix = 'a:';
    workers.push(...(await Promise.all([0, 1, 2].map(() => startTestWorker(server.url, prefix, 12)))));
    gateways.push(...(await Promise.all([0, 1].map(() => startTestGateway(server.url, prefix)))));
    await waitFor(() => gateways.every((g) => g.transport.capacity === 36));
    const inputs = Array.from({ length: 30 }, (_, i) => clip(jfk, (i * 0.23) % 7, 1.8 + (i % 4) * 0.4));
    const expected = await Promise.all(inputs.map((a) => directFinals(recognizer, a)));
    expect(expected.some((e) => e.length >= 3)).toBe(true);
    const results = await Promise.all(inputs.map((a, i) => streamFile(a, { url: gateways[i % 2].url, chunkMs: 50 + 10 * (i % 5) })));
    results.forEach((r, i) => expectExactlyOnce(r, expected[i]));
    // Every worker decoded some of them.
    for (const w of workers) expect(w.worker.sessionsTaken).toBeGreaterThan(0);
  }, 240_000);

  it("carries a session's hotwords to the worker's beam search", async () => {
    const prefix = 'h:';
    const beam = await loadClusterRecognizer({ decodingMethod: 'modified_beam_search', maxActivePaths: 8 });
    try {
      workers.push(await startTestWorker(server.url, prefix, 4, { decoding: 'modified_beam_search', beam: 8 }));
      const gateway = await startTestGateway(server.url, prefix);
      gateways.push(gateway);
      await waitFor(() => gateway.transport.capacity === 4);
      const audio = clip(jfk, 0, 3);
      const plain = await directFinals(beam, audio);
      // A near-miss of a word the random-weight model outputs (one letter changed): the first one
      // whose bonus changes the engine's own transcript.
      const words = [...new Set(plain.join(' ').split(' ').filter((w) => w.length >= 3))];
      const candidates = words.flatMap((w) => [...w].flatMap((_, k) => ['a', 'e', 'o'].map((c) => w.slice(0, k) + c + w.slice(k + 1)))).filter((c) => !words.includes(c));
      let hotword = '';
      let biased = plain;
      for (const c of candidates) {
        biased = await directFinals(beam, audio, { hotwords: [c] });
        hotword = c;
        if (JSON.stringify(biased) !== JSON.stringify(plain)) break;
      }
      expect(biased, `no hotword among ${candidates.length} changed ${JSON.stringify(plain)}`).not.toEqual(plain);
      const [withHotwords, without] = await Promise.all([
        streamFile(audio, { url: gateway.url, hotwords: [hotword] }),
        streamFile(audio, { url: gateway.url }),
      ]);
      expectExactlyOnce(withHotwords, biased);
      expectExactlyOnce(without, plain);
    } finally {
      await beam.dispose();
    }
  }, 120_000);

  it('one global waiting room across gateways: positions, queue_status, admission as slots free, 503 when full', async () => {
    const prefix = 'b:';
    const worker = await startTestWorker(server.url, prefix, 2);
    workers.push(worker);
    const g = await Promise.all([0, 1].map(() => startTestGateway(server.url, prefix, { maxWaiting: 4 })));
    gateways.push(...g);
    await waitFor(() => g.every((x) => x.transport.capacity === 2));
    const audio = clip(jfk, 1, 2);
    const expected = await directFinals(recognizer, audio);
    const statuses: QueueStatusMessage[][] = [];
    const runs: Promise<FileStreamResult>[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push([]);
      // Real-time pace keeps the first two busy while the others queue, in arrival order.
      runs.push(streamFile(audio, { url: g[i % 2].url, realtime: true, chunkMs: 100, onMessage: (m) => m.type === 'queue_status' && statuses[i].push(m) }));
      await waitFor(() => g[0].link.last.active + g[0].link.last.waiting === i + 1);
    }
    await waitFor(() => g[1].link.last.waiting === 4);
    // The room (4) is full and both slots are busy: the handshake is refused on either gateway.
    const refusal = await handshakeStatus(g[1].url);
    expect(refusal.status).toBe(503);
    expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
    const results = await Promise.all(runs);
    for (const r of results) expectExactlyOnce(r, expected);
    expect(statuses[0]).toEqual([]);
    expect(statuses[1]).toEqual([]);
    // The first queued session was first in the global room, across both gateways.
    expect(statuses[2][0]).toMatchObject({ position: 1 });
    expect(statuses[5][0].position).toBe(4);
    for (const s of statuses.slice(2)) {
      expect(s.length).toBeGreaterThan(0);
      expect(s.every((m) => m.pending >= m.position && m.eta_ms > 0)).toBe(true);
      // Positions only move forward.
      expect(s.map((m) => m.position)).toEqual([...s.map((m) => m.position)].sort((a, b) => b - a));
    }
  }, 240_000);

  it('survives a Redis restart under load: sessions end with ASR_ERR_BACKEND_UNAVAILABLE or complete, then new sessions work', async () => {
    const prefix = 'c:';
    const w = await startTestWorker(server.url, prefix, 8);
    workers.push(w);
    const g = await startTestGateway(server.url, prefix);
    gateways.push(g);
    await waitFor(() => g.transport.capacity === 8);
    const audio = clip(jfk, 0, 3);
    const expected = await directFinals(recognizer, audio);
    const runs = Array.from({ length: 6 }, () => streamFile(audio, { url: g.url, realtime: true, chunkMs: 100 }).then((r) => ({ r }), (err: unknown) => ({ err })));
    await waitFor(() => g.transport.openSessions === 6);
    await new Promise((r) => setTimeout(r, 500));
    await server.restart();
    const outcomes = await Promise.all(runs);
    for (const o of outcomes) {
      if ('r' in o) expectExactlyOnce(o.r, expected);
      else {
        expect(isAsrError(o.err)).toBe(true);
        expect((o.err as { code: string }).code).toBe(ErrorCode.BackendUnavailable);
      }
    }
    expect(outcomes.some((o) => 'err' in o)).toBe(true);
    // Everything reconnects and re-registers by itself.
    await waitFor(() => g.link.isConnected && g.transport.capacity === 8, 60_000);
    expectExactlyOnce(await streamFile(audio, { url: g.url, chunkMs: 100 }), expected);
  }, 240_000);
});

function handshakeStatus(url: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.on('error', (err) => reject(err));
  });
}

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
