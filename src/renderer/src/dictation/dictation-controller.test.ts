import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test-support/eventually.ts';
import { nodeWebSocket, startProtocolPeerServer, type Peer, type PeerServer } from '../../../../test-support/protocol-peer-server.ts';
import type { EarshotApi, InsertionResult, InsertOptions } from '../../../shared/ipc-contract.ts';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type { StartMessage } from '../../../shared/protocol/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings.ts';
import { MemoryStorage } from '../history/memory-storage.ts';
import { WebHistoryStore } from '../history/web-history-store.ts';
import { DictationController, type StartAudio } from './dictation-controller.ts';
import { transcriptText } from './transcript.ts';

const servers: PeerServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(onPeer: (peer: Peer, index: number) => void): Promise<PeerServer> {
  const s = await startProtocolPeerServer(onPeer);
  servers.push(s);
  return s;
}

/** An audio source the test drives by hand: frames and levels as the worklet would post them. */
function manualAudio() {
  let sink: Parameters<StartAudio>[1] | undefined;
  let stopped = false;
  const start: StartAudio = async (_deviceId, s) => {
    sink = s;
    return { stop: async () => void (stopped = true) };
  };
  return {
    start,
    frame: (n = 640) => sink?.onFrame(new Int16Array(n).fill(100)),
    level: (rms: number) => sink?.onLevel?.(rms, rms),
    get stopped() {
      return stopped;
    },
  };
}

/** The platform API as the controller uses it: a real history store; insertion recorded as main would perform it. */
function platformApi(url: string) {
  const history = new WebHistoryStore(new MemoryStorage());
  const inserted: string[] = [];
  const deleted: number[] = [];
  const active: boolean[] = [];
  const api = {
    getEndpoint: async () => ({ url: url.replace('/v1/listen', ''), token: '', mode: 'remote' as const }),
    addHistory: async (e: Parameters<EarshotApi['addHistory']>[0]) => history.add(e),
    setDictationActive: async (a: boolean) => void active.push(a),
    insertText: async (text: string, options?: InsertOptions): Promise<InsertionResult> => {
      inserted.push(text);
      deleted.push(options?.deleteBefore ?? 0);
      return { outcome: 'inserted', strategy: 'test', text, deleted: options?.deleteBefore ?? 0 };
    },
  } as Partial<EarshotApi> as EarshotApi;
  return { api, history, inserted, deleted, active };
}

const settings: Settings = { ...DEFAULT_SETTINGS };

describe('DictationController', () => {
  it('streams microphone frames, shows formatted finals, inserts them in order and records the dictation', async () => {
    const s = await server((peer) => {
      void peer.start.then(() => peer.send({ type: 'ready', session_id: 'd1', model: 'earshot-en-small' }));
      void peer.stopped.then(() => {
        peer.send({ type: 'final', utterance: 1, text: 'wrong words', start: 1.5, end: 2 });
        peer.send({ type: 'final', utterance: 2, text: 'scratch that', start: 2, end: 2.2 });
        peer.send({ type: 'final', utterance: 3, text: `it heard ${peer.audioBytes()} bytes`, start: 2.3, end: 2.5 });
        peer.send({ type: 'end' });
      });
      const poll = setInterval(() => {
        if (peer.audioBytes() < 3 * 1280) return;
        clearInterval(poll);
        peer.send({ type: 'partial', utterance: 0, text: 'hello comma' });
        peer.send({ type: 'final', utterance: 0, text: 'hello comma world period', start: 0.1, end: 1.4 });
      }, 5);
    });
    const audio = manualAudio();
    const p = platformApi(s.url);
    let t = 0;
    const c = new DictationController({ api: p.api, insertFinals: true, startAudio: audio.start, createSocket: nodeWebSocket, now: () => t });
    await c.start(settings, undefined);
    expect(c.getSnapshot().phase).toBe('active');
    for (let i = 0; i < 3; i++) audio.frame();
    await eventually(() => expect(transcriptText(c.getSnapshot().transcript)).toBe('Hello, world.'));
    t = 2600;
    await c.stop();

    const snap = c.getSnapshot();
    expect(snap.phase).toBe('idle');
    expect(snap.error).toBeUndefined();
    expect(audio.stopped).toBe(true);
    expect(transcriptText(snap.transcript)).toBe('Hello, world. It heard 3840 bytes');
    // "scratch that" deletes the already inserted phrase in the target application.
    expect(p.inserted).toEqual(['Hello, world.', ' Wrong words', '', ' It heard 3840 bytes']);
    expect(p.deleted).toEqual([0, 0, ' Wrong words'.length, 0]);
    expect(p.active).toEqual([true, false]);
    const [entry] = p.history.list({}).entries;
    expect(entry).toMatchObject({
      text: 'Hello, world. It heard 3840 bytes',
      durationMs: 2600,
      model: 'earshot-en-small',
      mode: 'remote',
      segments: [
        { text: 'Hello, world.', start: 0.1, end: 1.4 },
        { text: 'It heard 3840 bytes', start: 2.3, end: 2.5 },
      ],
    });
  });

  it('sends the custom vocabulary as hotwords, and none when it is empty', async () => {
    const starts: StartMessage[] = [];
    const s = await server((peer) => {
      void peer.start.then((m) => {
        starts.push(m);
        peer.send({ type: 'ready', session_id: `v${starts.length}`, model: 'm' });
      });
      void peer.stopped.then(() => peer.send({ type: 'end' }));
    });
    const audio = manualAudio();
    const c = new DictationController({ api: platformApi(s.url).api, insertFinals: false, startAudio: audio.start, createSocket: nodeWebSocket });
    await c.start({ ...settings, vocabulary: ['Kubernetes', 'Ada Lovelace'] }, undefined);
    await eventually(() => expect(starts).toHaveLength(1));
    await c.stop();
    await c.start(settings, undefined);
    await eventually(() => expect(starts).toHaveLength(2));
    await c.stop();
    expect(starts[0].hotwords).toEqual(['Kubernetes', 'Ada Lovelace']);
    expect(starts[1]).not.toHaveProperty('hotwords');
  });

  it('shows the queue position while waiting and clears it when admitted', async () => {
    let admit!: () => void;
    const s = await server((peer) => {
      void peer.start.then(() => {
        peer.send({ type: 'queue_status', position: 1, pending: 1, eta_ms: 3000 });
        admit = () => peer.send({ type: 'ready', session_id: 'q', model: 'm' });
      });
      void peer.stopped.then(() => peer.send({ type: 'end' }));
    });
    const p = platformApi(s.url);
    const c = new DictationController({ api: p.api, insertFinals: false, startAudio: manualAudio().start, createSocket: nodeWebSocket, now: () => 500 });
    await c.start(settings, undefined);
    await eventually(() => expect(c.getSnapshot().connection).toBe('waiting'));
    expect(c.getSnapshot().queue).toEqual({ position: 1, pending: 1, etaMs: 3000, receivedAt: 500 });
    admit();
    await eventually(() => expect(c.getSnapshot().connection).toBe('streaming'));
    expect(c.getSnapshot().queue).toBeUndefined();
    await c.stop();
    // Nothing was said: nothing is recorded.
    expect(p.history.list({}).total).toBe(0);
  });

  it('ends the dictation with a visible error when the server refuses it, keeping what was final', async () => {
    const s = await server((peer) => {
      void peer.start.then(() => {
        peer.send({ type: 'ready', session_id: 'x', model: 'm' });
        peer.send({ type: 'final', utterance: 0, text: 'keep this', start: 0, end: 1 });
        setTimeout(() => {
          peer.send({ type: 'error', code: ErrorCode.IdleTimeout, message: 'no audio for 30 s' });
          peer.ws.close(4408);
        }, 50);
      });
    });
    const audio = manualAudio();
    const p = platformApi(s.url);
    const c = new DictationController({ api: p.api, insertFinals: false, startAudio: audio.start, createSocket: nodeWebSocket });
    await c.start(settings, undefined);
    await eventually(() => expect(c.getSnapshot().phase).toBe('idle'));
    expect(c.getSnapshot().error).toEqual({ code: ErrorCode.IdleTimeout, message: 'no audio for 30 s' });
    expect(audio.stopped).toBe(true);
    expect(p.history.list({}).entries.map((e) => e.text)).toEqual(['Keep this']);
  });

  it('stops by itself in hands-free mode after the pause length', async () => {
    const s = await server((peer) => {
      void peer.start.then(() => peer.send({ type: 'ready', session_id: 'h', model: 'm' }));
      void peer.stopped.then(() => peer.send({ type: 'end' }));
    });
    const audio = manualAudio();
    let t = 0;
    const c = new DictationController({ api: platformApi(s.url).api, insertFinals: false, startAudio: audio.start, createSocket: nodeWebSocket, now: () => t });
    await c.start({ ...settings, handsFree: true, handsFreeSilenceMs: 1000, silenceThresholdDb: -45 }, undefined);
    audio.level(0.3); // speech
    t = 100;
    audio.level(0.0001);
    t = 900;
    audio.level(0.0001);
    expect(c.getSnapshot().phase).toBe('active');
    t = 1200;
    audio.level(0.0001);
    await eventually(() => expect(c.getSnapshot().phase).toBe('idle'));
    expect(audio.stopped).toBe(true);
  });

  it('reports a denied microphone and closes the session it opened', async () => {
    const s = await server((peer) => void peer.start.then(() => peer.send({ type: 'ready', session_id: 'm', model: 'm' })));
    const denied: StartAudio = async () => {
      // The permission prompt takes a while: the session is open by the time it is refused.
      await eventually(() => expect(s.peers).toHaveLength(1));
      throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    };
    const c = new DictationController({ api: platformApi(s.url).api, insertFinals: false, startAudio: denied, createSocket: nodeWebSocket });
    await c.start(settings, undefined);
    expect(c.getSnapshot()).toMatchObject({ phase: 'idle', error: { message: 'Permission denied' } });
    await eventually(() => expect(s.peers[0].ws.readyState).toBe(3));
  });
});
