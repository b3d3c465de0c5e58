import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTranscript, loadRecognizer } from '../../../test-support/direct-transcript.ts';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { connect, pcm16, type RecordingClient } from '../../../test-support/ws-test-client.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { startLocalServer, type LocalServer } from '../local-server.ts';
import { defaultServingConfig } from '../serving-config.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';

const start16k = JSON.stringify({ type: 'start', sample_rate: 16000, format: 'pcm_s16le', channels: 1 });

describe('admission control with capacity 2 (real engine, real sockets)', () => {
  let server: LocalServer;
  let jfk: WavAudio;

  beforeAll(async () => {
    const config = defaultServingConfig(FIXTURE_MODELS.nemoCtc);
    config.port = 0;
    config.pool = { ...config.pool, workers: 1, threadsPerWorker: 1 };
    config.capacity = 2;
    config.maxWaiting = 3;
    config.waitingBufferSeconds = 1;
    config.queueStatusIntervalMs = 100;
    [server, jfk] = await Promise.all([startLocalServer(config, { logger: pino({ level: 'silent' }) }), readWavFile(SPEECH.jfk)]);
  });

  afterAll(() => server?.close());

  async function startSession(): Promise<RecordingClient> {
    const c = await connect(server.url);
    c.ws.send(start16k);
    await c.next((m) => m.type === 'ready' || m.type === 'queue_status');
    return c;
  }

  async function finish(c: RecordingClient): Promise<number> {
    c.ws.send(JSON.stringify({ type: 'stop' }));
    return (await c.closed).code;
  }

  it('admits five clients in FIFO order with positions counting down, refuses the overflow with 503, and all finish', async () => {
    const [a, b] = [await startSession(), await startSession()];
    expect([a, b].map((c) => c.messages[0].type)).toEqual(['ready', 'ready']);
    const waiting = [await startSession(), await startSession(), await startSession()];
    const [c, d, e] = waiting;
    expect(waiting.map((w) => w.messages[0])).toEqual([
      expect.objectContaining({ type: 'queue_status', position: 1, pending: 1 }),
      expect.objectContaining({ type: 'queue_status', position: 2, pending: 2 }),
      expect.objectContaining({ type: 'queue_status', position: 3, pending: 3 }),
    ]);
    expect(e.messages[0].eta_ms).toBeGreaterThan(0);

    // Waiting room full and every slot taken: the handshake itself is refused.
    const refused = await connect(server.url).catch((err: { status: number; headers: Record<string, string> }) => err);
    expect(refused).toMatchObject({ status: 503 });
    expect(Number((refused as { headers: Record<string, string> }).headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Audio sent while waiting is buffered and decoded once admitted.
    const early = jfk.samples.subarray(0, 8000);
    e.ws.send(pcm16(early));

    const admitted: RecordingClient[] = [];
    for (const w of waiting) void w.next((m) => m.type === 'ready').then(() => admitted.push(w));
    expect(await finish(a)).toBe(1000);
    await c.next((m) => m.type === 'ready');
    expect(await finish(b)).toBe(1000);
    await d.next((m) => m.type === 'ready');
    expect(await finish(c)).toBe(1000);
    await e.next((m) => m.type === 'ready');
    expect(admitted).toEqual([c, d, e]);

    const positions = e.messages.filter((m) => m.type === 'queue_status').map((m) => m.position as number);
    expect(positions[0]).toBe(3);
    expect(positions.at(-1)).toBe(1);
    expect(positions.every((p, i) => i === 0 || p <= positions[i - 1])).toBe(true);

    expect(await finish(d)).toBe(1000);
    expect(await finish(e)).toBe(1000);
    const recognizer = await loadRecognizer(FIXTURE_MODELS.nemoCtc);
    try {
      const expected = await directTranscript(recognizer, 16000, early);
      expect(e.messages.filter((m) => m.type === 'final').map((m) => m.text).filter((t) => t !== '').join(' ')).toBe(expected);
    } finally {
      await recognizer.dispose();
    }
    for (const w of [a, b, c, d, e]) expect(w.messages.at(-1)).toMatchObject({ type: 'end' });
    await expect.poll(() => server.gateway.admissionControl.activeCount).toBe(0);
  });

  it('fails a waiting session whose buffered audio exceeds the bound with ASR_ERR_BUFFER_OVERFLOW (1008)', async () => {
    const holders = [await startSession(), await startSession()];
    const late = await startSession();
    expect(late.messages[0]).toMatchObject({ type: 'queue_status', position: 1 });
    late.ws.send(pcm16(jfk.samples.subarray(0, 16000 * 2))); // 2 s > waitingBufferSeconds (1 s)
    expect((await late.closed).code).toBe(1008);
    expect(late.messages.at(-1)).toMatchObject({ type: 'error', code: ErrorCode.BufferOverflow });
    expect(server.gateway.admissionControl.waitingCount).toBe(0);
    for (const h of holders) expect(await finish(h)).toBe(1000);
  });
});
