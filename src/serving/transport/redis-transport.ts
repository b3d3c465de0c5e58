import type { Logger } from 'pino';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { GatewayLink } from '../cluster/gateway-link.ts';
import { ResultField } from '../cluster/result-fields.ts';
import type { InferenceTransport, SessionSink, TransportInfo, TransportSession, TransportSessionSpec } from './inference-transport.ts';

export interface RedisTransportOptions {
  /** Sessions fail with ASR_ERR_WORKER_FAILED after this long with no live worker in the cluster. */
  noWorkerTimeoutMs: number;
}

interface ClusterSession {
  sid: string;
  sink: SessionSink;
  /** Next audio chunk's sequence number (workers refuse to decode across a gap). */
  seq: number;
  /** Next utterance whose final the client has not seen: lower ones are replays, dropped. */
  nextFinal: number;
  /** Newest worker epoch seen; results of older epochs come from a fenced worker. */
  epoch: number;
  /** After a takeover, partials that go backwards (already shown text) are suppressed. */
  replaying: boolean;
  partialUtterance: number;
  partialText: string;
  done: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * The gateway's side of the Redis cluster: audio goes to a per-session Redis Stream (every chunk
 * tagged with its sequence number, written only while the session exists in Redis), results come
 * back on this gateway's own results stream. A worker taking over a session replays it from the
 * start, so each final is delivered once per (session, utterance) and stale partials are dropped.
 */
export class RedisTransport implements InferenceTransport {
  private readonly sessions = new Map<string, ClusterSession>();
  private readonly listeners = new Set<(capacity: number) => void>();
  private lastCapacity = 0;
  private isReady = false;
  private readerLoop: Promise<void> | undefined;
  private lastResultId = '0-0';
  private noWorkersSince: number | undefined;
  /** Every model a live worker ever served: a tick that briefly sees no worker must not fail opens. */
  private readonly knownModels: string[] = [];

  constructor(
    private readonly link: GatewayLink,
    private readonly logger: Logger,
    private readonly options: RedisTransportOptions = { noWorkerTimeoutMs: 30_000 },
  ) {
    link.onTick((t) => {
      for (const m of t.models) if (!this.knownModels.includes(m)) this.knownModels.push(m);
      if (t.capacity !== this.lastCapacity) {
        this.lastCapacity = t.capacity;
        for (const l of this.listeners) l(t.capacity);
      }
      this.watchWorkers(t.workers);
    });
    link.onLost((reason) => this.failAll(ErrorCode.BackendUnavailable, reason));
  }

  get capacity(): number {
    return this.link.last.capacity;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  onCapacityChange(listener: (capacity: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<TransportInfo> {
    await this.link.start();
    this.isReady = true;
    this.readerLoop = this.readResults();
    return { models: this.link.last.models, providers: ['redis-cluster'] };
  }

  async open(spec: TransportSessionSpec, sink: SessionSink): Promise<TransportSession> {
    const sid = spec.sessionId;
    const refusal = this.link.takeRefusal(sid);
    if (refusal) throw refusal;
    if (!this.isReady) throw new AsrError(ErrorCode.WorkerFailed, 'transport is not started');
    if (!this.link.isConnected) throw new AsrError(ErrorCode.BackendUnavailable, 'the cluster store (Redis) is unreachable');
    const models = this.knownModels;
    const model = spec.model ?? models[0];
    if (model === undefined) throw new AsrError(ErrorCode.WorkerFailed, 'no live worker in the cluster');
    if (!models.includes(model)) throw new AsrError(ErrorCode.UnknownModel, `model ${JSON.stringify(model)} is not served by any live worker (available: ${models.join(', ')})`);
    const s: ClusterSession = { sid, sink, seq: 0, nextFinal: 0, epoch: 0, replaying: false, partialUtterance: -1, partialText: '', done: false };
    this.sessions.set(sid, s);
    try {
      await this.link.store.openSession(sid, this.link.id, model, JSON.stringify({ sampleRate: spec.sampleRate, format: spec.format, model, ...(spec.hotwords?.length && { hotwords: spec.hotwords }) }));
    } catch (err) {
      this.sessions.delete(sid);
      throw new AsrError(ErrorCode.BackendUnavailable, `could not open the session in Redis: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      sessionId: sid,
      push: (audio) => this.append(s, 'a', audio),
      finish: () => this.append(s, 'eof', new Uint8Array(0)),
      abort: () => {
        if (s.done) return;
        this.forget(s);
      },
    };
  }

  async close(): Promise<void> {
    this.isReady = false;
    for (const s of this.sessions.values()) this.forget(s);
    await this.link.stop();
    await this.readerLoop;
  }

  /** Audio that cannot be stored is an error to the client, never silently dropped. */
  private append(s: ClusterSession, kind: 'a' | 'eof', audio: Uint8Array): void {
    if (s.done) return;
    const seq = s.seq++;
    this.link.store.appendAudio(s.sid, seq, kind, audio).then(
      (ok) => {
        if (!ok) this.fail(s, ErrorCode.BackendUnavailable, 'the cluster store lost this session (Redis restarted or this gateway was declared dead)');
      },
      (err) => this.fail(s, ErrorCode.BackendUnavailable, `audio could not be stored: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private fail(s: ClusterSession, code: ErrorCode, message: string): void {
    if (s.done) return;
    this.forget(s);
    s.sink.error(code, message);
  }

  private failAll(code: ErrorCode, message: string): void {
    for (const s of [...this.sessions.values()]) this.fail(s, code, message);
  }

  /** Removes the session here and (best effort) in Redis; no further sink calls. */
  private forget(s: ClusterSession): void {
    s.done = true;
    this.sessions.delete(s.sid);
    if (this.link.isConnected) this.link.store.endSession(s.sid).catch(() => undefined);
  }

  private watchWorkers(workers: number): void {
    if (workers > 0 || this.sessions.size === 0) {
      this.noWorkersSince = undefined;
      return;
    }
    const now = Date.now();
    this.noWorkersSince ??= now;
    if (now - this.noWorkersSince >= this.options.noWorkerTimeoutMs) {
      this.failAll(ErrorCode.WorkerFailed, `no live worker for ${Math.round((now - this.noWorkersSince) / 1000)} s`);
    }
  }

  private async readResults(): Promise<void> {
    const key = this.link.store.keys.results(this.link.id);
    let failures = 0;
    while (this.isReady) {
      try {
        const res = (await this.link.reader.xread('COUNT', 512, 'BLOCK', 500, 'STREAMS', key, this.lastResultId)) as [string, [string, string[]][]][] | null;
        const entries = res?.[0]?.[1] ?? [];
        for (const [id, fields] of entries) {
          this.lastResultId = id;
          this.dispatch(fields);
        }
        // Only this gateway reads its stream: what it read is done with.
        if (entries.length > 0) await this.link.cmd.xtrim(key, 'MINID', this.lastResultId);
        failures = 0;
      } catch (err) {
        if (!this.isReady) break;
        this.link.metrics?.redisErrors.inc({ role: 'gateway' });
        if (failures === 0) this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'reading results failed; retrying');
        await sleep(Math.min(2000, 100 * 2 ** failures++));
      }
    }
  }

  private dispatch(fields: string[]): void {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
    const s = this.sessions.get(f[ResultField.Session]);
    if (!s || s.done) return;
    const epoch = Number(f[ResultField.Epoch] ?? 0);
    if (epoch < s.epoch) return;
    if (epoch > s.epoch) {
      if (s.epoch > 0) s.replaying = true;
      s.epoch = epoch;
    }
    const u = Number(f[ResultField.Utterance]);
    switch (f[ResultField.Type]) {
      case 'partial': {
        const text = f[ResultField.Text] ?? '';
        if (u < s.nextFinal) return this.suppressed();
        if (s.replaying && u === s.partialUtterance && s.partialText.startsWith(text)) return this.suppressed();
        s.replaying = false;
        s.partialUtterance = u;
        s.partialText = text;
        return s.sink.partial(u, text);
      }
      case 'final': {
        if (u < s.nextFinal) {
          this.link.metrics?.duplicateFinals.inc();
          return;
        }
        if (u > s.nextFinal) this.logger.warn({ session: s.sid, expected: s.nextFinal, got: u }, 'final skipped utterances');
        s.nextFinal = u + 1;
        s.partialUtterance = -1;
        s.partialText = '';
        s.sink.final({
          sessionId: s.sid,
          utterance: u,
          text: f[ResultField.Text] ?? '',
          start: Number(f[ResultField.Start]),
          end: Number(f[ResultField.End]),
          tokens: JSON.parse(f[ResultField.Tokens] ?? '[]'),
          timestamps: JSON.parse(f[ResultField.Timestamps] ?? '[]'),
        });
        // Lets a replaying worker skip what the client already has.
        this.link.store.ackFinal(s.sid, u).catch(() => undefined);
        return;
      }
      case 'progress':
        return s.sink.progress(Number(f[ResultField.Seconds]));
      case 'end':
        this.forget(s);
        return s.sink.end();
      case 'error':
        this.forget(s);
        return s.sink.error((f[ResultField.Code] ?? ErrorCode.WorkerFailed) as ErrorCode, f[ResultField.Message] ?? 'worker failed');
      default:
        return;
    }
  }

  private suppressed(): void {
    this.link.metrics?.suppressedPartials.inc();
  }
}
