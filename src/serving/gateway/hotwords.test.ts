import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test-support/fixture-paths.ts';
import { connect, pcm16, sendInFrames } from '../../../test-support/ws-test-client.ts';
import { streamFile } from '../file-stream-client.ts';
import { funasrHotwords } from './funasr-compat.ts';
import { startLocalServer, type LocalServer } from '../local-server.ts';
import { defaultServingConfig } from '../serving-config.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';

// Protocol v1 `hotwords` end to end: start message → gateway → worker pool → the engine's beam
// search, with the shipped model and its LM (the default decoding), over a real socket. The
// sentence is held out from training and spoken by a held-out voice; the model alone misspells
// its last word ("replication's"), the hotword fixes it (both measured, so this pins them).
const SENTENCE = 'we use linux for all our mission critical applications';

describe('hotwords through the gateway (shipped model)', () => {
  let server: LocalServer;
  let dir: string;
  let audio: WavAudio;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-hotwords-'));
    execFileSync('espeak-ng', ['-v', 'en-us+m7', '-s', '165', '-p', '50', '-w', join(dir, 's.wav'), SENTENCE]);
    audio = await readWavFile(join(dir, 's.wav'));
    const config = defaultServingConfig(join(REPO_ROOT, 'models', 'earshot-en-small'));
    config.port = 0;
    config.pool = { ...config.pool, workers: 1, threadsPerWorker: 1 };
    config.capacity = 4;
    server = await startLocalServer(config, { logger: pino({ level: 'silent' }) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("spells a session's hotword that the model alone gets wrong, and only for that session", async () => {
    const [biased, plain] = await Promise.all([
      streamFile(audio, { url: server.url, hotwords: ['applications'] }),
      streamFile(audio, { url: server.url }),
    ]);
    expect(biased.text).toMatch(/\bapplications\b/);
    expect(plain.text).not.toMatch(/\bapplications\b/);
    expect(biased.text.split(' ').length).toBe(plain.text.split(' ').length);
  });

  it("takes a FunASR client's hotwords (the JSON of {phrase: weight} its client sends)", async () => {
    const c = await connect(`ws://127.0.0.1:${server.port}/funasr`);
    c.ws.send(JSON.stringify({ mode: 'offline', wav_name: 's', wav_format: 'pcm', audio_fs: audio.sampleRate, is_speaking: true, hotwords: '{"applications": 20}' }));
    sendInFrames(c.ws, pcm16(audio.samples), 3200);
    c.ws.send(JSON.stringify({ is_speaking: false }));
    expect((await c.closed).code).toBe(1000);
    expect(c.messages.map((m) => m.text).join(' ')).toMatch(/\bapplications\b/);
  });
});

describe('funasrHotwords', () => {
  it('reads the JSON of {phrase: weight}, or plain space-separated words, within the protocol limits', () => {
    expect(funasrHotwords('{"mission critical": 20, "linux": 10}')).toEqual(['mission critical', 'linux']);
    expect(funasrHotwords(' linux  applications ')).toEqual(['linux', 'applications']);
    expect(funasrHotwords('')).toEqual([]);
    expect(funasrHotwords(undefined)).toEqual([]);
    expect(funasrHotwords(JSON.stringify(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`w${i}`, 1]))))).toHaveLength(100);
    expect(funasrHotwords(`${'x'.repeat(101)} ok`)).toEqual(['ok']);
  });
});
