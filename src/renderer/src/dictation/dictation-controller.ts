import { toFormatterOptions } from './formatter-options.ts';
import { isAsrError } from '../../../shared/errors.ts';
import type { EarshotApi, InsertionResult } from '../../../shared/ipc-contract.ts';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { ListenClient, type ConnectionStatus, type WebSocketFactory } from '../../../shared/protocol/listen-client.ts';
import { PROTOCOL_PATH } from '../../../shared/protocol/messages.ts';
import type { Settings } from '../../../shared/settings.ts';
import { toDbfs } from '../audio/pcm-frame-encoder.ts';
import type { QueuePosition } from './queue-countdown.ts';
import { SilenceDetector } from './silence-detector.ts';
import { addFinal, EMPTY_TRANSCRIPT, setPartial, transcriptText, type Transcript } from './transcript.ts';

/** A running audio source (the microphone worklet in the app). */
export interface AudioSource {
  stop(): Promise<void>;
}

export type StartAudio = (deviceId: string | undefined, sink: { onFrame(pcm: Int16Array): void; onLevel?(rms: number, peak: number): void }) => Promise<AudioSource>;

export interface DictationDeps {
  api: EarshotApi;
  /** Insert each final into the focused application (desktop). */
  insertFinals: boolean;
  startAudio: StartAudio;
  createSocket: WebSocketFactory;
  now?: () => number;
}

export type DictationPhase = 'idle' | 'starting' | 'active' | 'stopping';

export interface DictationSnapshot {
  phase: DictationPhase;
  connection: ConnectionStatus;
  queue: QueuePosition | undefined;
  transcript: Transcript;
  /** Input level in dBFS (RMS and peak). */
  level: { rmsDb: number; peakDb: number };
  model: string | undefined;
  /** Audio captured in this dictation, in milliseconds (16 kHz samples / 16). */
  audioMs: number;
  /** The last failure (the dictation is over when it is set during one). */
  error: { code: string; message: string } | undefined;
  /** Something the user should know that did not end the dictation. */
  notice: string | undefined;
  lastInsertion: InsertionResult | undefined;
}

const INITIAL: DictationSnapshot = {
  phase: 'idle',
  connection: 'idle',
  queue: undefined,
  transcript: EMPTY_TRANSCRIPT,
  level: { rmsDb: -100, peakDb: -100 },
  model: undefined,
  audioMs: 0,
  error: undefined,
  notice: undefined,
  lastInsertion: undefined,
};

function describeError(err: unknown): { code: string; message: string } {
  if (isAsrError(err)) return { code: err.code, message: err.message };
  if (err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'SecurityError')) {
    return { code: 'MIC_DENIED', message: 'Microphone access was denied. Allow it in the browser or system settings.' };
  }
  if (err instanceof DOMException && err.name === 'NotFoundError') return { code: 'MIC_NOT_FOUND', message: 'No microphone was found.' };
  return { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };
}

/**
 * One dictation at a time: microphone → protocol v1 client → formatted transcript →
 * insertion (desktop) → history. A small store for React's useSyncExternalStore.
 */
export class DictationController {
  private snap: DictationSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private client: ListenClient | undefined;
  private audio: AudioSource | undefined;
  private settings: Settings | undefined;
  private startedAt = 0;
  private mode: 'local' | 'remote' = 'local';
  private finishing: Promise<void> | undefined;
  private insertions: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: DictationDeps) {
    this.now = deps.now ?? Date.now;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DictationSnapshot => this.snap;

  toggle(settings: Settings, deviceId: string | undefined): Promise<void> {
    return this.snap.phase === 'idle' ? this.start(settings, deviceId) : this.stop();
  }

  async start(settings: Settings, deviceId: string | undefined): Promise<void> {
    if (this.snap.phase !== 'idle') return;
    this.settings = settings;
    this.insertions = Promise.resolve();
    this.update({ ...INITIAL, phase: 'starting', connection: 'connecting' });
    let capturedMs = 0;
    const silence = settings.handsFree ? new SilenceDetector(settings.silenceThresholdDb, settings.handsFreeSilenceMs) : undefined;
    try {
      const endpoint = await this.deps.api.getEndpoint();
      this.mode = endpoint.mode;
      const url = endpoint.url.replace(/\/+$/, '') + PROTOCOL_PATH;
      const hotwords = settings.vocabulary.length > 0 ? { hotwords: [...settings.vocabulary] } : {};
      const client = new ListenClient({ url, token: endpoint.token, ...hotwords }, this.deps.createSocket, {
        status: (connection) => this.update({ connection, ...(connection !== 'waiting' && { queue: undefined }) }),
        queue: (m) => this.update({ queue: { position: m.position, pending: m.pending, etaMs: m.eta_ms, receivedAt: this.now() } }),
        ready: (m) => this.update({ model: m.model, queue: undefined }),
        partial: (m) => this.update({ transcript: setPartial(this.snap.transcript, m.text, toFormatterOptions(settings)) }),
        final: (m) => this.onFinal(m),
        error: (e, fatal) => {
          if (fatal) void this.finish({ code: e.code, message: e.message });
          else this.update({ notice: e.message });
        },
      });
      this.client = client;
      this.startedAt = this.now();
      client.start();
      this.audio = await this.deps.startAudio(deviceId, {
        onFrame: (pcm) => {
          client.sendAudio(pcm);
          // Published with the next level reading: one render per ~100 ms, not per frame.
          capturedMs += pcm.length / 16;
        },
        onLevel: (rms, peak) => {
          const rmsDb = toDbfs(rms);
          this.update({ level: { rmsDb, peakDb: toDbfs(peak) }, audioMs: capturedMs });
          if (silence?.update(rmsDb, this.now()) && this.snap.phase === 'active') void this.stop();
        },
      });
      if (this.client !== client) {
        // The session failed while the microphone was opening.
        await this.audio.stop();
        this.audio = undefined;
        return;
      }
      this.update({ phase: 'active' });
      void this.deps.api.setDictationActive(true).catch(() => undefined);
    } catch (err) {
      await this.finish(describeError(err));
    }
  }

  /** Stops the microphone, waits for the last final, then records the dictation. */
  async stop(): Promise<void> {
    if (this.snap.phase !== 'active' && this.snap.phase !== 'starting') return;
    this.update({ phase: 'stopping' });
    await this.finish(undefined);
  }

  private onFinal(m: Parameters<typeof addFinal>[1]): void {
    const settings = this.settings;
    if (!settings) return;
    const { transcript, edit } = addFinal(this.snap.transcript, m, toFormatterOptions(settings));
    this.update({ transcript });
    if (this.deps.insertFinals && (edit.insert !== '' || edit.deleteCount > 0)) {
      // In order, one at a time: each insertion waits for the one before. A "scratch that"
      // of text already inserted deletes it in the target application first.
      const options = edit.deleteCount > 0 ? { deleteBefore: edit.deleteCount } : undefined;
      this.insertions = this.insertions
        .then(() => this.deps.api.insertText(edit.insert, options))
        .then((r) => this.update({ lastInsertion: r, ...(r.notice && { notice: r.notice }) }))
        .catch((err: unknown) => this.update({ notice: describeError(err).message }));
    }
  }

  /** Ends the dictation once, however many paths (stop, fatal error, failed start) ask for it. */
  private finish(error: { code: string; message: string } | undefined): Promise<void> {
    if (error) this.update({ error });
    this.finishing ??= this.cleanUp(error !== undefined).finally(() => {
      this.finishing = undefined;
    });
    return this.finishing;
  }

  private async cleanUp(failed: boolean): Promise<void> {
    const client = this.client;
    const audio = this.audio;
    this.client = undefined;
    this.audio = undefined;
    if (this.snap.phase !== 'stopping') this.update({ phase: 'stopping' });
    await audio?.stop().catch(() => undefined);
    if (client) {
      if (failed) client.abort();
      else await client.stop().catch((err: unknown) => this.update({ error: describeError(err) }));
    }
    await this.insertions;
    await this.record();
    void this.deps.api.setDictationActive(false).catch(() => undefined);
    this.update({ phase: 'idle', queue: undefined, level: INITIAL.level, transcript: { ...this.snap.transcript, partial: '' } });
  }

  private async record(): Promise<void> {
    const t = this.snap.transcript;
    const text = transcriptText(t);
    if (text.trim() === '' || !this.settings) return;
    try {
      await this.deps.api.addHistory({
        text,
        durationMs: Math.max(0, Math.round(this.now() - this.startedAt)),
        model: this.snap.model ?? this.settings.activeModel,
        mode: this.mode,
        segments: [...t.segments],
      });
    } catch (err) {
      this.update({ notice: `The dictation was not saved to the history: ${describeError(err).message}` });
    }
  }

  private update(patch: Partial<DictationSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
}
