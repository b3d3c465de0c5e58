import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTranscript, loadRecognizer } from '../../../test-support/direct-transcript.ts';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { connect, pcm16, sendInFrames, type RecordingClient } from '../../../test-support/ws-test-client.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { StaticTokenAuthenticator } from '../auth/static-token-authenticator.ts';
import { streamFile } from '../file-stream-client.ts';
import { startLocalServer, type LocalServer } from '../local-server.ts';
import { ServingMetrics } from '../metrics.ts';
import { defaultServingConfig, type ServingConfig } from '../serving-config.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';
import { GatewayServer } from './gateway-server.ts';

const logger = pino({ level: 'silent' });

function testConfig(overrides: Partial<ServingConfig> = {}): ServingConfig {
  const config = defaultServingConfig(FIXTURE_MODELS.nemoCtc);
  config.port = 0;
  config.pool = { ...config.pool, workers: 1, threadsPerWorker: 1, maxBatch: 16 };
  config.capacity = 16;
  return { ...config, ...overrides };
}

/** A second gateway on the same worker pool, with other limits (two gateways may share a transport). */
async function extraGateway(server: LocalServer, overrides: Partial<ServingConfig>, auth?: StaticTokenAuthenticator) {
  const gateway = new GatewayServer({
    config: testConfig(overrides),
    transport: server.transport,
    logger,
    metrics: new ServingMetrics(new Registry()),
    auth,
  });
  const { url, port } = await gateway.listen();
  return { gateway, url, port };
}

function clip(audio: WavAudio, seconds: number): WavAudio {
  return { ...audio, samples: audio.samples.subarray(0, Math.round(seconds * audio.sampleRate)) };
}

const start16k = JSON.stringify({ type: 'start', sample_rate: 16000, format: 'pcm_s16le', channels: 1 });

describe('gateway with the real engine (NeMo CTC fixture) over real sockets', () => {
  let server: LocalServer;
  let recognizer: OnlineRecognizer;
  let jfk: WavAudio;
  let jfkText: string;

  beforeAll(async () => {
    [server, recognizer, jfk] = await Promise.all([startLocalServer(testConfig(), { logger }), loadRecognizer(FIXTURE_MODELS.nemoCtc), readWavFile(SPEECH.jfk)]);
    jfkText = await directTranscript(recognizer, jfk.sampleRate, clip(jfk, 4).samples);
    expect(jfkText).not.toBe('');
  });

  afterAll(async () => {
    await server?.close();
    await recognizer?.dispose();
  });

  it('serves 12 concurrent clients, each with exactly the engine\'s own transcript', async () => {
    const fsdd = ['3_theo_0.wav', '7_yweweler_1.wav', '0_theo_5.wav', '9_yweweler_2.wav', '5_theo_10.wav', '1_yweweler_3.wav'];
    const inputs: WavAudio[] = [
      ...(await Promise.all(fsdd.map((f) => readWavFile(SPEECH.fsdd(f))))),
      ...[1.5, 2, 2.5, 3, 3.5, 4].map((s) => clip(jfk, s)),
    ];
    const expected = await Promise.all(inputs.map((a) => directTranscript(recognizer, a.sampleRate, a.samples)));
    const results = await Promise.all(inputs.map((a, i) => streamFile(a, { url: server.url, chunkMs: 40 + 10 * i })));
    expect(results.map((r) => r.text)).toEqual(expected);
    for (const r of results) {
      expect(r.closeCode).toBe(1000);
      expect(r.finals.map((f) => f.utterance)).toEqual(r.finals.map((_, i) => i));
    }
    // Batching really happened: some decode calls carried several streams.
    const batches = (await server.metrics.batchSize.get()).values;
    const count = batches.find((v) => v.metricName === 'earshot_batch_size_count')!.value;
    const sum = batches.find((v) => v.metricName === 'earshot_batch_size_sum')!.value;
    expect(sum / count).toBeGreaterThan(1);
  });

  it('sends partials, then final(s), end and close 1000 in protocol v1', async () => {
    const c = await connect(server.url);
    c.ws.send(start16k);
    const ready = await c.next((m) => m.type === 'ready');
    expect(ready).toMatchObject({ model: 'nemo-ctc' });
    expect(typeof ready.session_id).toBe('string');
    sendInFrames(c.ws, pcm16(clip(jfk, 4).samples), 3201); // odd frame size: split samples are carried
    c.ws.send(JSON.stringify({ type: 'stop' }));
    expect(await c.closed).toMatchObject({ code: 1000 });
    const types = c.messages.map((m) => m.type);
    expect(types[0]).toBe('ready');
    expect(types.at(-1)).toBe('end');
    expect(types).toContain('partial');
    const finals = c.messages.filter((m) => m.type === 'final');
    expect(finals.map((f) => f.text).join(' ')).toBe(jfkText);
    const last = finals.at(-1)!;
    expect(last.end as number).toBeGreaterThan(last.start as number);
    expect((last.tokens as string[]).length).toBe((last.timestamps as number[]).length);
  });

  it.each([
    ['malformed JSON', (c: RecordingClient) => c.ws.send('{"type":'), ErrorCode.BadRequest, 4400],
    ['binary before start', (c: RecordingClient) => c.ws.send(Buffer.alloc(320)), ErrorCode.NotStarted, 4400],
    ['an unknown message type', (c: RecordingClient) => c.ws.send('{"type":"dance"}'), ErrorCode.UnknownMessage, 4400],
    ['a wrong sample rate', (c: RecordingClient) => c.ws.send('{"type":"start","sample_rate":1000000}'), ErrorCode.UnsupportedAudio, 1003],
    ['an unknown model', (c: RecordingClient) => c.ws.send('{"type":"start","sample_rate":16000,"model":"nope"}'), ErrorCode.UnknownModel, 4400],
    ['a second start', (c: RecordingClient) => (c.ws.send(start16k), c.ws.send(start16k)), ErrorCode.BadRequest, 4400],
  ])('answers %s with its documented code, and other sessions are unaffected', async (_name, misbehave, code, closeCode) => {
    const healthy = streamFile(clip(jfk, 4), { url: server.url });
    const bad = await connect(server.url);
    misbehave(bad);
    const closed = await bad.closed;
    expect(bad.messages.find((m) => m.type === 'error')).toMatchObject({ code });
    expect(closed.code).toBe(closeCode);
    expect((await healthy).text).toBe(jfkText);
  });

  it('closes an oversized frame with 1009 (ASR_ERR_FRAME_TOO_LARGE) without disturbing others', async () => {
    const healthy = streamFile(clip(jfk, 4), { url: server.url });
    const bad = await connect(server.url);
    bad.ws.send(start16k);
    await bad.next((m) => m.type === 'ready');
    bad.ws.send(Buffer.alloc(testConfig().maxFrameBytes + 1));
    expect((await bad.closed).code).toBe(1009);
    expect((await healthy).text).toBe(jfkText);
    const metrics = await server.metrics.registry.metrics();
    expect(metrics).toMatch(new RegExp(`earshot_sessions_rejected_total\\{code="${ErrorCode.FrameTooLarge}"\\} [1-9]`));
  });

  it('survives abrupt disconnects mid-stream', async () => {
    const healthy = streamFile(clip(jfk, 4), { url: server.url });
    const quitters = await Promise.all([1, 2, 3].map(() => connect(server.url)));
    for (const q of quitters) {
      q.ws.send(start16k);
      await q.next((m) => m.type === 'ready');
      q.ws.send(pcm16(clip(jfk, 2).samples));
      q.ws.terminate();
    }
    expect((await healthy).text).toBe(jfkText);
    // Their slots were given back.
    await expect.poll(() => server.gateway.admissionControl.activeCount).toBe(0);
  });

  it('answers the FunASR websocket protocol (2pass)', async () => {
    const c = await connect(`ws://127.0.0.1:${server.port}/funasr`, { protocols: ['binary'] });
    expect(c.ws.protocol).toBe('binary');
    c.ws.send(JSON.stringify({ mode: '2pass', chunk_size: [5, 10, 5], chunk_interval: 10, wav_name: 'jfk', wav_format: 'pcm', audio_fs: 16000, is_speaking: true, hotwords: '', itn: true }));
    sendInFrames(c.ws, pcm16(clip(jfk, 4).samples), 1920);
    c.ws.send(JSON.stringify({ is_speaking: false }));
    expect((await c.closed).code).toBe(1000);
    const online = c.messages.filter((m) => m.mode === '2pass-online');
    const offline = c.messages.filter((m) => m.mode === '2pass-offline');
    expect(online.length).toBeGreaterThan(0);
    expect(offline.map((m) => m.text).join(' ')).toBe(jfkText);
    expect(offline.at(-1)).toMatchObject({ wav_name: 'jfk', is_final: true, is_end: true });
    expect(offline.slice(0, -1).every((m) => m.is_final === false)).toBe(true);
    // Online partials are increments: within each utterance they add up to its final text.
    expect(online.every((m) => m.wav_name === 'jfk' && m.is_final === false)).toBe(true);
    if (offline.length === 1) expect(online.map((m) => m.text).join('')).toBe(jfkText);
    expect(JSON.parse(offline.at(-1)!.timestamp as string)[0]).toHaveLength(2);
  });

  it('answers the sherpa-onnx websocket protocol (float32, "Done")', async () => {
    const c = await connect(`ws://127.0.0.1:${server.port}/sherpa`);
    const samples = clip(jfk, 4).samples;
    for (let off = 0; off < samples.length; off += 8000) c.ws.send(Buffer.from(samples.slice(off, off + 8000).buffer));
    c.ws.send('Done');
    expect((await c.closed).code).toBe(1000);
    expect(c.texts.at(-1)).toBe('Done!');
    const results = c.messages.filter((m) => typeof m.text === 'string');
    const finals = results.filter((m) => m.is_final === true);
    expect(finals.map((m) => m.text).join(' ')).toBe(jfkText);
    expect(finals.at(-1)).toMatchObject({ is_eof: true });
    expect(Object.keys(results[0])).toEqual(expect.arrayContaining(['text', 'tokens', 'timestamps', 'segment', 'start_time', 'is_final']));
  });

  it.each([
    ['online', ['online']],
    ['offline', ['offline']],
  ])('answers FunASR mode %s with result modes %j', async (mode, resultModes) => {
    const c = await connect(`ws://127.0.0.1:${server.port}/funasr`);
    c.ws.send(JSON.stringify({ mode, wav_name: 'w', is_speaking: true }));
    c.ws.send(pcm16(clip(jfk, 4).samples));
    c.ws.send(JSON.stringify({ is_speaking: false }));
    expect((await c.closed).code).toBe(1000);
    expect([...new Set(c.messages.map((m) => m.mode))]).toEqual(resultModes);
    expect(c.messages.at(-1)).toMatchObject({ is_final: true, is_end: true });
    if (mode === 'offline') {
      expect(c.messages.map((m) => m.text).filter((t) => t !== '').join(' ')).toBe(jfkText);
    } else {
      // Online mode streams increments only, which FunASR clients concatenate (no separator between utterances).
      expect((c.messages.map((m) => m.text).join('') as string).replace(/ /g, '')).toBe(jfkText.replace(/ /g, ''));
    }
  });

  it('speaks a compat protocol on / with rootProtocol, for unmodified clients', async () => {
    const g = await extraGateway(server, { rootProtocol: 'sherpa' });
    try {
      const c = await connect(`ws://127.0.0.1:${g.port}/`);
      c.ws.send(Buffer.from(clip(jfk, 1).samples.slice().buffer));
      c.ws.send('Done');
      expect((await c.closed).code).toBe(1000);
      expect(c.texts.at(-1)).toBe('Done!');
      await expect(connect(`ws://127.0.0.1:${server.port}/`)).rejects.toMatchObject({ status: 404 });
    } finally {
      await g.gateway.shutdown(0);
    }
  });

  it('serves the web UI from webRoot and never a file outside it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'earshot-web-'));
    await writeFile(join(root, 'index.html'), '<title>earshot</title>');
    const g = await extraGateway(server, { webRoot: root });
    try {
      const index = await fetch(`http://127.0.0.1:${g.port}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toBe('<title>earshot</title>');
      expect((await fetch(`http://127.0.0.1:${g.port}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${g.port}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      await g.gateway.shutdown(0);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('exposes /healthz, /readyz and Prometheus /metrics', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, capacity: 16 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'earshot_connections',
      'earshot_sessions_active',
      'earshot_sessions_waiting',
      'earshot_sessions_rejected_total',
      'earshot_batch_size_bucket',
      'earshot_decode_seconds_bucket',
      'earshot_real_time_factor_bucket',
      'earshot_queue_wait_seconds_bucket',
      'earshot_worker_utilization',
      'earshot_audio_seconds_total',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/earshot_audio_seconds_total [1-9]/);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });

  it('pauses a fast sender when its backlog is full and still loses nothing', async () => {
    const g = await extraGateway(server, { maxBacklogSeconds: 0.3 });
    try {
      const r = await streamFile(clip(jfk, 4), { url: g.url, chunkMs: 500 });
      expect(r.text).toBe(jfkText);
      expect(await g.gateway['metrics'].registry.metrics()).toMatch(/earshot_backpressure_pauses_total [1-9]/);
    } finally {
      await g.gateway.shutdown(0);
    }
  });

  it('ends an idle connection with ASR_ERR_IDLE_TIMEOUT (4408)', async () => {
    const g = await extraGateway(server, { idleTimeoutMs: 200 });
    try {
      const c = await connect(g.url);
      expect((await c.closed).code).toBe(4408);
      expect(c.messages[0]).toMatchObject({ type: 'error', code: ErrorCode.IdleTimeout });
    } finally {
      await g.gateway.shutdown(0);
    }
  });

  it('refuses with HTTP 503 + Retry-After over the connection limit', async () => {
    const g = await extraGateway(server, { maxConnections: 1 });
    try {
      const first = await connect(g.url);
      const refused = await connect(g.url).catch((e: { status: number; headers: Record<string, string> }) => e);
      expect(refused).toMatchObject({ status: 503 });
      expect(Number((refused as { headers: Record<string, string> }).headers['retry-after'])).toBeGreaterThanOrEqual(1);
      first.ws.close();
    } finally {
      await g.gateway.shutdown(0);
    }
  });

  it('checks the token before upgrading: 401 without, 401 wrong, accepted right (header or ?token=)', async () => {
    const token = 'a-per-launch-token-of-32-chars!!';
    const g = await extraGateway(server, {}, new StaticTokenAuthenticator(token));
    try {
      await expect(connect(g.url)).rejects.toMatchObject({ status: 401 });
      await expect(connect(`${g.url}?token=wrong-token-wrong-token`)).rejects.toMatchObject({ status: 401 });
      const viaQuery = await connect(`${g.url}?token=${encodeURIComponent(token)}`);
      viaQuery.ws.close();
      const r = await streamFile(clip(jfk, 4), { url: g.url, token });
      expect(r.text).toBe(jfkText);
    } finally {
      await g.gateway.shutdown(0);
    }
  });

  it('shuts down gracefully: refuses new sessions, finishes the one in flight with its finals', async () => {
    const g = await extraGateway(server, {});
    const c = await connect(g.url);
    c.ws.send(start16k);
    await c.next((m) => m.type === 'ready');
    c.ws.send(pcm16(clip(jfk, 4).samples)); // one frame: a partial proves all of it reached the server
    await c.next((m) => m.type === 'partial');
    const done = g.gateway.shutdown(10_000);
    await expect(connect(g.url)).rejects.toBeDefined();
    await done;
    expect((await c.closed).code).toBe(1000);
    expect(c.messages.at(-1)).toMatchObject({ type: 'end' });
    expect(c.messages.filter((m) => m.type === 'final').map((m) => m.text).join(' ')).toBe(jfkText);
  });
});
