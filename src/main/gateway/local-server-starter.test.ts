import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import type { EngineStatus } from '../../shared/ipc-contract.ts';
import { EmbeddedGateway } from './embedded-gateway.ts';
import { LocalEngine } from './local-engine.ts';
import { recognizerConfigFor } from '../../serving/transport/in-process-transport.ts';
import { desktopServingConfig, localServerStarter } from './local-server-starter.ts';

/** Opens a socket and resolves with the handshake's outcome: 'open' or the HTTP status. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

// The real embedded gateway (serving's local server + a worker with a real ORT session on the
// fixture model), started the way the desktop app starts it.
describe('desktopServingConfig', () => {
  it('decodes every model with beam search, so the custom vocabulary works on each', () => {
    for (const dir of [FIXTURE_MODELS.nemoCtc, FIXTURE_MODELS.zipformer2]) {
      expect(recognizerConfigFor(desktopServingConfig(dir, 'm').pool)).toMatchObject({ decodingMethod: 'modified_beam_search', maxActivePaths: 8 });
    }
  });
});

describe('embedded gateway on the real local server', () => {
  let gateway: EmbeddedGateway | undefined;

  afterEach(async () => {
    await gateway?.stop();
  });

  it('listens on loopback only and admits only the per-launch token', async () => {
    gateway = new EmbeddedGateway(localServerStarter({ logger: pino({ level: 'silent' }) }));
    const base = await gateway.start(FIXTURE_MODELS.nemoCtc, 'fixture');
    const { url, token } = gateway.endpoint();
    expect(url).toBe(base);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(token).toBe(gateway.token);

    const listen = `${url}/v1/listen`;
    expect(await handshake(listen)).toBe(401);
    expect(await handshake(listen, { Authorization: 'Bearer wrong-token-wrong-token' })).toBe(401);
    expect(await handshake(listen, { Authorization: `Bearer ${token}` })).toBe('open');
    expect(await handshake(`${listen}?token=${encodeURIComponent(token)}`)).toBe('open');

    await gateway.stop();
    expect(() => gateway!.endpoint()).toThrow(expect.objectContaining({ code: 'ASR_ERR_WORKER_FAILED' }));
  });

  it('GPU requested: the real engine tries the GPU providers and reports what it runs on (the CPU here)', async () => {
    gateway = new EmbeddedGateway(localServerStarter({ logger: pino({ level: 'silent' }) }));
    const seen: EngineStatus[] = [];
    const engine = new LocalEngine({
      gateway,
      resolveModel: async () => FIXTURE_MODELS.nemoCtc,
      fallbackModel: 'fixture',
      onStatus: (s) => seen.push(s),
      platform: 'linux',
    });
    await engine.start('fixture', 'gpu');
    const status = engine.status();
    expect(status).toMatchObject({ state: 'running', model: 'fixture', requestedProvider: 'gpu' });
    // A GPU machine (ENVIRONMENT.md: webgpu through Vulkan) runs on webgpu; this one has no GPU adapter.
    expect(['webgpu', 'cuda', 'cpu']).toContain(status.provider);
    expect(status.gpuFallback).toBe(status.provider === 'cpu');
    expect(seen.map((s) => s.state)).toEqual(['starting', 'running']);

    await engine.start('fixture', 'cpu');
    expect(engine.status()).toMatchObject({ state: 'running', requestedProvider: 'cpu', provider: 'cpu', gpuFallback: false });
    await engine.stop();
    expect(engine.status().state).toBe('stopped');
  });
});
