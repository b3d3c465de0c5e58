import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../test-support/eventually.ts';
import { nodeWebSocket, startProtocolPeerServer, type PeerServer } from '../../../test-support/protocol-peer-server.ts';
import { ErrorCode } from './error-codes.ts';
import { ListenClient, type ConnectionStatus } from './listen-client.ts';
import type { FinalMessage, QueueStatusMessage, ServerMessage, StartMessage } from './messages.ts';

const servers: PeerServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function startServer(...args: Parameters<typeof startProtocolPeerServer>): Promise<PeerServer> {
  const s = await startProtocolPeerServer(...args);
  servers.push(s);
  return s;
}


const fastBackoff = { initialDelayMs: 10, maxDelayMs: 50, factor: 2, jitter: 0, maxAttempts: 5 };
const frame = (n = 640, value = 1) => new Int16Array(n).fill(value);

function record(url: string, extra: Partial<ConstructorParameters<typeof ListenClient>[0]> = {}) {
  const statuses: ConnectionStatus[] = [];
  const finals: FinalMessage[] = [];
  const partials: string[] = [];
  const queue: QueueStatusMessage[] = [];
  const errors: { code: string; fatal: boolean }[] = [];
  const client = new ListenClient({ url, backoff: fastBackoff, ...extra }, nodeWebSocket, {
    status: (s) => statuses.push(s),
    final: (m) => finals.push(m),
    partial: (m) => partials.push(m.text),
    queue: (m) => queue.push(m),
    error: (e, fatal) => errors.push({ code: e.code, fatal }),
  });
  return { client, statuses, finals, partials, queue, errors };
}

const final = (utterance: number, text: string): ServerMessage => ({ type: 'final', utterance, text, start: utterance, end: utterance + 1 });

describe('ListenClient', () => {
  it('streams a dictation: start → ready → partial/final → stop → end', async () => {
    const { url } = await startServer((peer) => {
      void peer.start.then(() => peer.send({ type: 'ready', session_id: 's1', model: 'm' }));
      void peer.stopped.then(() => {
        peer.send({ type: 'partial', utterance: 0, text: 'hel' });
        peer.send(final(0, `heard ${peer.audioBytes()} bytes`));
        peer.send({ type: 'end' });
        peer.ws.close(1000);
      });
    });
    const r = record(url, { model: 'earshot-en-small' });
    r.client.start();
    for (let i = 0; i < 3; i++) r.client.sendAudio(frame());
    await r.client.stop();
    expect(r.finals.map((f) => f.text)).toEqual(['heard 3840 bytes']);
    expect(r.partials).toEqual(['hel']);
    expect(r.statuses).toEqual(['connecting', 'stopping', 'ended']);
    expect(r.client.sendAudio(frame())).toBe(false);
  });

  it('sends the announced format and the token, and reports the server session', async () => {
    let start: StartMessage | undefined;
    let path = '';
    const { url } = await startServer((peer) => {
      path = peer.url;
      void peer.start.then((s) => {
        start = s;
        peer.send({ type: 'ready', session_id: 'abc', model: 'm' });
      });
      void peer.stopped.then(() => peer.send({ type: 'end' }));
    });
    const r = record(url, { token: 's3cret', model: 'x', hotwords: ['earshot'] });
    r.client.start();
    await eventually(() => expect(r.client.status).toBe('streaming'));
    expect(r.client.session).toBe('abc');
    await r.client.stop();
    expect(path).toBe('/v1/listen?token=s3cret');
    expect(start).toEqual({ type: 'start', sample_rate: 16000, format: 'pcm_s16le', channels: 1, model: 'x', hotwords: ['earshot'] });
  });

  it('reports the queue position while waiting and streams once admitted', async () => {
    const { url } = await startServer((peer) => {
      void peer.start.then(async () => {
        peer.send({ type: 'queue_status', position: 2, pending: 3, eta_ms: 8000 });
        peer.send({ type: 'queue_status', position: 1, pending: 2, eta_ms: 4000 });
        peer.send({ type: 'ready', session_id: 'q', model: 'm' });
      });
      void peer.stopped.then(() => {
        peer.send(final(0, `audio ${peer.audioBytes()}`));
        peer.send({ type: 'end' });
      });
    });
    const r = record(url);
    r.client.start();
    // Audio sent while queued is not lost: the server holds it until admission.
    r.client.sendAudio(frame());
    await eventually(() => expect(r.client.status).toBe('streaming'));
    r.client.sendAudio(frame());
    await r.client.stop();
    expect(r.queue.map((q) => [q.position, q.eta_ms])).toEqual([
      [2, 8000],
      [1, 4000],
    ]);
    expect(r.statuses.slice(0, 3)).toEqual(['connecting', 'waiting', 'streaming']);
    expect(r.finals[0].text).toBe('audio 2560');
  });

  it('reconnects after a dropped socket, resumes the session and never repeats a final', async () => {
    const { url, peers } = await startServer((peer, index) => {
      void peer.start.then((start) => {
        peer.send({ type: 'ready', session_id: 's1', model: 'm' });
        if (index === 0) {
          // After two frames: one final, a partial of the next utterance, then the socket dies.
          const check = setInterval(() => {
            if (peer.audioBytes() < 2 * 1280) return;
            clearInterval(check);
            peer.send(final(0, 'hello'));
            peer.send({ type: 'partial', utterance: 1, text: 'wor' });
            setTimeout(() => peer.ws.terminate(), 20);
          }, 5);
        } else {
          expect(start.session_id).toBe('s1');
          // At-least-once delivery: the resumed server repeats the last final.
          peer.send(final(0, 'hello'));
          peer.send({ type: 'partial', utterance: 0, text: 'hel' });
          void peer.stopped.then(() => {
            peer.send(final(1, `world after ${peer.audioBytes()} bytes`));
            peer.send({ type: 'end' });
          });
        }
      });
    });
    const r = record(url);
    r.client.start();
    r.client.sendAudio(frame());
    r.client.sendAudio(frame());
    await eventually(() => expect(r.statuses).toContain('reconnecting'));
    // Audio captured while disconnected is buffered, then sent after the resume.
    for (let i = 0; i < 3; i++) r.client.sendAudio(frame());
    await eventually(() => expect(peers).toHaveLength(2));
    await r.client.stop();
    expect(r.finals.map((f) => f.text)).toEqual(['hello', 'world after 3840 bytes']);
    expect(r.partials).toEqual(['wor']);
    expect(peers[0].audioBytes() + peers[1].audioBytes()).toBe(5 * 1280);
    expect(r.client.status).toBe('ended');
  });

  it('keeps finals of a new session when the server could not resume the old one', async () => {
    const { url } = await startServer((peer, index) => {
      void peer.start.then(() => {
        peer.send({ type: 'ready', session_id: `s${index}`, model: 'm' });
        if (index === 0) {
          peer.send(final(0, 'first'));
          setTimeout(() => peer.ws.terminate(), 20);
        } else {
          void peer.stopped.then(() => {
            peer.send(final(0, 'second'));
            peer.send({ type: 'end' });
          });
        }
      });
    });
    const r = record(url);
    r.client.start();
    await eventually(() => expect(r.finals).toHaveLength(1));
    await eventually(() => expect(r.client.session).toBe('s1'));
    await r.client.stop();
    expect(r.finals.map((f) => f.text)).toEqual(['first', 'second']);
  });

  it('retries when the server is overloaded and gets in later', async () => {
    const { url, peers } = await startServer((peer, index) => {
      void peer.start.then(() => {
        if (index === 0) {
          peer.send({ type: 'error', code: ErrorCode.Overloaded, message: 'busy' });
          peer.ws.close(1013);
          return;
        }
        peer.send({ type: 'ready', session_id: 'ok', model: 'm' });
        void peer.stopped.then(() => peer.send({ type: 'end' }));
      });
    });
    const r = record(url);
    r.client.start();
    await eventually(() => expect(r.client.status).toBe('streaming'));
    await r.client.stop();
    expect(peers).toHaveLength(2);
    expect(r.errors).toEqual([{ code: ErrorCode.Overloaded, fatal: false }]);
  });

  it('stops for good on an authorization error', async () => {
    const { url, peers } = await startServer((peer) => {
      void peer.start.then(() => {
        peer.send({ type: 'error', code: ErrorCode.Unauthorized, message: 'bad token' });
        peer.ws.close(4401);
      });
    });
    const r = record(url);
    r.client.start();
    await expect(r.client.stop()).rejects.toMatchObject({ code: ErrorCode.Unauthorized });
    expect(r.client.status).toBe('failed');
    expect(r.errors).toEqual([{ code: ErrorCode.Unauthorized, fatal: true }]);
    expect(peers).toHaveLength(1);
  });

  it('bounds the audio buffered while the server is unreachable, reports the loss, then gives up', async () => {
    // A port with nobody listening: every attempt fails.
    const server = await startServer(() => undefined);
    const dead = server.url;
    await server.close();
    const r = record(dead, { maxBufferedBytes: 2 * 1280, backoff: { ...fastBackoff, maxAttempts: 3 } });
    r.client.start();
    for (let i = 0; i < 5; i++) r.client.sendAudio(frame());
    expect(r.client.bufferedBytes).toBe(2 * 1280);
    expect(r.errors).toEqual([{ code: ErrorCode.BufferOverflow, fatal: false }]);
    await expect(r.client.stop()).rejects.toMatchObject({ code: ErrorCode.BackendUnavailable });
    expect(r.statuses.at(-1)).toBe('failed');
  });

  it('validates its config', () => {
    expect(() => new ListenClient({ url: 'http://x' }, nodeWebSocket)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
    expect(() => new ListenClient({ url: 'ws://x', backoff: { ...fastBackoff, jitter: 2 } }, nodeWebSocket)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidConfig }),
    );
  });
});
