import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AsrError, isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { FinalResult, InferenceTransport, TransportSession, TransportSessionSpec } from '../transport/inference-transport.ts';
import { WORKER_GROUP } from './cluster-keys.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { ClusterStore, type WorkerInfo } from './cluster-store.ts';
import { connectRedis } from './redis-connection.ts';
import { ResultField, type ResultType } from './result-fields.ts';

export interface ClusterWorkerConfig {
  redisUrl: string;
  keyPrefix: string;
  /** Unique per process; default host-pid-random. */
  workerId: string;
  /** Heartbeat period; the heartbeat key and session leases live `ttlMs`. */
  heartbeatMs: number;
  /** After this long without a heartbeat a worker is dead and its sessions move (failover time). */
  ttlMs: number;
  /** Sessions this worker holds at most (real-time capacity plus room to absorb a dead worker's sessions); 0 = 2 × capacity. */
  maxSessions: number;
  /** An assignment read but not acknowledged this long (its reader died) is taken over. */
  claimIdleMs: number;
  /** Decoded seconds between two progress reports of a session (the gateway's backpressure signal). */
  progressStepSeconds: number;
}

export function defaultClusterWorkerConfig(redisUrl = 'redis://127.0.0.1:6379'): ClusterWorkerConfig {
  return {
    redisUrl,
    keyPrefix: 'earshot:',
    workerId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    heartbeatMs: 1000,
    ttlMs: 3000,
    maxSessions: 0,
    claimIdleMs: 5000,
    progressStepSeconds: 0.5,
  };
}

export function validateClusterWorkerConfig(c: ClusterWorkerConfig): ClusterWorkerConfig {
  const bad = (m: string): never => {
    throw new AsrError(ErrorCode.InvalidConfig, m);
  };
  if (!/^rediss?:\/\//.test(c.redisUrl)) bad(`redis url must start with redis:// or rediss://, got ${c.redisUrl}`);
  if (!/^[\w.:-]+$/.test(c.workerId)) bad(`worker id may hold letters, digits, . : _ - only, got ${c.workerId}`);
  if (!(Number.isInteger(c.heartbeatMs) && c.heartbeatMs >= 50)) bad('heartbeatMs must be an integer >= 50');
  if (!(Number.isInteger(c.ttlMs) && c.ttlMs >= 2 * c.heartbeatMs)) bad('ttlMs must be an integer >= 2 × heartbeatMs');
  if (!(Number.isInteger(c.maxSessions) && c.maxSessions >= 0)) bad('maxSessions must be an integer >= 0');
  if (!(Number.isInteger(c.claimIdleMs) && c.claimIdleMs >= c.ttlMs)) bad('claimIdleMs must be an integer >= ttlMs');
  if (!(c.progressStepSeconds >= 0)) bad('progressStepSeconds must be >= 0');
  return c;
}

interface OwnedSession {
  sid: string;
  gateway: string;
  epoch: number;
  /** Last final the gateway delivered: a replay does not publish it again. */
  acked: number;
  local: TransportSession;
  /** Last audio entry read, and the chunk sequence expected next (a mismatch is a gap). */
  lastId: string;
  nextSeq: number;
  eof: boolean;
  done: boolean;
  progressSent: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * A cluster worker: takes sessions from the Redis assignment stream, reads their audio streams,
 * decodes them with a local transport (the in-process worker pool: batched decoding in worker
 * threads, so heartbeats never wait on inference) and publishes results, fenced by its lease.
 * A session it takes over from a dead worker is replayed from its first chunk: the engine is
 * deterministic and keeps encoder state across utterances, so only a full replay is exact.
 */
export class ClusterWorker {
  private cmd!: Redis;
  private audioReader!: Redis;
  private assignReader!: Redis;
  private store!: ClusterStore;
  private readonly sessions = new Map<string, OwnedSession>();
  private info!: WorkerInfo;
  private model = '';
  private running = false;
  private draining = false;
  private registered = false;
  /** Set when the connection dropped: our sessions were dropped locally and must be handed back. */
  private resetNeeded = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private loops: Promise<void>[] = [];
  private lastAutoclaim = 0;
  private taken = 0;

  constructor(
    private readonly config: ClusterWorkerConfig,
    private readonly local: InferenceTransport,
    private readonly logger: Logger,
    private readonly metrics?: ClusterMetrics,
  ) {
    validateClusterWorkerConfig(config);
  }

  get id(): string {
    return this.config.workerId;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Sessions this worker claimed since it started (new and replayed). */
  get sessionsTaken(): number {
    return this.taken;
  }

  get capacity(): number {
    return this.info?.capacity ?? 0;
  }

  get maxSessions(): number {
    return this.config.maxSessions || Math.max(1, 2 * this.capacity);
  }

  /** Loads the model (and calibrates), connects, registers and starts taking sessions. */
  async start(): Promise<void> {
    const info = await this.local.start();
    this.model = info.models[0];
    this.info = { capacity: Math.floor(this.local.capacity), models: info.models, host: hostname(), pid: process.pid, provider: info.providers.join(','), maxBatch: 0, startedAt: Date.now() };
    const conn = (role: string) => connectRedis({ url: this.config.redisUrl, name: `earshot-worker-${role}-${this.id}`, failFast: true });
    [this.cmd, this.audioReader, this.assignReader] = await Promise.all([conn('cmd'), conn('audio'), conn('assign')]);
    this.store = new ClusterStore(this.cmd, this.config.keyPrefix);
    this.cmd.on('close', () => this.onConnectionLost());
    this.cmd.on('ready', () => this.metrics?.redisConnected.set({ role: 'worker' }, 1));
    this.metrics?.redisConnected.set({ role: 'worker' }, 1);
    await this.store.ensureAssignGroup(this.model);
    this.running = true;
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.config.heartbeatMs);
    this.loops = [this.assignLoop(), this.audioLoop()];
    this.logger.info({ worker: this.id, model: this.model, capacity: this.capacity, maxSessions: this.maxSessions }, 'cluster worker registered');
  }

  /** Stops taking sessions, lets the current ones finish for up to `graceMs`, then hands the rest to other workers. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + graceMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await sleep(100);
    await this.stop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.heartbeatTimer);
    for (const s of this.sessions.values()) this.drop(s);
    try {
      // Remaining sessions go back to the assignment stream now, not after the heartbeat TTL.
      const requeued = await this.store.deregisterWorker(this.id);
      if (requeued > 0) this.logger.info({ worker: this.id, requeued }, 'handed sessions to other workers');
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'could not deregister; sessions move when the heartbeat lapses');
    }
    this.audioReader.disconnect();
    this.assignReader.disconnect();
    await Promise.allSettled(this.loops);
    this.cmd.disconnect();
    await this.local.close();
  }

  private async heartbeat(): Promise<void> {
    if (!this.running) return;
    try {
      if (this.resetNeeded) {
        // Sessions Redis still thinks are ours (if it kept its data) go to the assignment stream.
        await this.store.deregisterWorker(this.id);
        this.resetNeeded = false;
        this.registered = false;
      }
      const owned = [...this.sessions.keys()];
      this.info.capacity = Math.floor(this.local.capacity);
      const { fenced, lost, requeued } = await this.store.workerHeartbeat(this.id, this.info, this.config.ttlMs, this.config.ttlMs, !this.registered, owned);
      this.registered = true;
      if (requeued > 0) this.logger.warn({ requeued }, 'reaped a dead worker; its sessions are up for replay');
      if (fenced) {
        this.metrics?.fenced.inc();
        this.logger.error({ worker: this.id }, 'this worker had been declared dead; dropping its sessions');
      }
      for (const sid of lost) {
        const s = this.sessions.get(sid);
        if (s) this.drop(s);
      }
      this.metrics?.workerSessions.set(this.sessions.size);
    } catch (err) {
      this.redisError(err, 'heartbeat');
    }
  }

  /** Redis went away: whatever we decode could not be delivered or resumed consistently. */
  private onConnectionLost(): void {
    this.metrics?.redisConnected.set({ role: 'worker' }, 0);
    if (!this.running) return;
    if (this.sessions.size > 0) this.logger.error({ sessions: this.sessions.size }, 'lost Redis; dropping sessions (gateways report ASR_ERR_BACKEND_UNAVAILABLE)');
    for (const s of this.sessions.values()) this.drop(s);
    // After a reconnect the first heartbeat hands back what Redis still lists as ours, then registers afresh.
    this.resetNeeded = true;
    this.registered = false;
  }

  private redisError(err: unknown, op: string): void {
    this.metrics?.redisErrors.inc({ role: 'worker' });
    if (this.running) this.logger.warn({ op, err: err instanceof Error ? err.message : String(err) }, 'redis operation failed');
  }

  private async assignLoop(): Promise<void> {
    const key = this.store.keys.assign(this.model);
    let failures = 0;
    while (this.running) {
      const free = this.maxSessions - this.sessions.size;
      if (free <= 0 || this.draining || !this.registered) {
        await sleep(50);
        continue;
      }
      try {
        const now = Date.now();
        let entries: [string, string[]][] = [];
        if (now - this.lastAutoclaim >= this.config.claimIdleMs / 2) {
          this.lastAutoclaim = now;
          // Requests another worker read but never acknowledged (it died in between).
          const out = (await this.assignReader.xautoclaim(key, WORKER_GROUP, this.id, this.config.claimIdleMs, '0-0', 'COUNT', free)) as [string, [string, string[]][]];
          entries = out[1].filter((e) => e && e[1]);
        }
        if (entries.length === 0) {
          const res = (await this.assignReader.xreadgroup('GROUP', WORKER_GROUP, this.id, 'COUNT', free, 'BLOCK', 500, 'STREAMS', key, '>')) as [string, [string, string[]][]][] | null;
          entries = res?.[0]?.[1] ?? [];
        }
        for (const [entryId, fields] of entries) {
          const sid = field(fields, 'sid');
          if (sid) await this.take(sid, field(fields, 'replay') === '1');
          await this.cmd.multi().xack(key, WORKER_GROUP, entryId).xdel(key, entryId).exec();
        }
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        if (err instanceof Error && err.message.startsWith('NOGROUP')) {
          await this.store.ensureAssignGroup(this.model).catch(() => undefined);
          continue;
        }
        this.redisError(err, 'assign');
        await sleep(Math.min(2000, 100 * 2 ** failures++));
      }
    }
  }

  private async take(sid: string, replay: boolean): Promise<void> {
    const claim = await this.store.claim(sid, this.id, this.config.ttlMs);
    if (claim.state !== 'owned') return;
    const spec = JSON.parse(claim.spec) as TransportSessionSpec;
    const s: OwnedSession = { sid, gateway: claim.gateway, epoch: claim.epoch, acked: claim.acked, local: undefined as unknown as TransportSession, lastId: '0-0', nextSeq: 0, eof: false, done: false, progressSent: 0 };
    this.sessions.set(sid, s);
    this.taken++;
    this.metrics?.sessionsClaimed.inc({ kind: replay || claim.epoch > 1 ? 'replay' : 'new' });
    this.metrics?.workerSessions.set(this.sessions.size);
    if (claim.epoch > 1) this.logger.info({ sid, epoch: claim.epoch, acked: claim.acked }, 'took over a session; replaying its audio from the start');
    try {
      s.local = await this.local.open({ ...spec, sessionId: sid }, {
        partial: (utterance, text) => {
          if (utterance > s.acked) this.publish(s, 'partial', { [ResultField.Utterance]: utterance, [ResultField.Text]: text });
        },
        final: (r: FinalResult) => {
          if (r.utterance > s.acked) this.publish(s, 'final', finalFields(r));
        },
        progress: (seconds) => {
          if (seconds - s.progressSent >= this.config.progressStepSeconds) {
            s.progressSent = seconds;
            this.publish(s, 'progress', { [ResultField.Seconds]: seconds });
          }
        },
        end: () => this.finishSession(s, 'end', {}),
        error: (code, message) => this.finishSession(s, 'error', { [ResultField.Code]: code, [ResultField.Message]: message }),
      });
    } catch (err) {
      const code = isAsrError(err) ? err.code : ErrorCode.WorkerFailed;
      this.finishSession(s, 'error', { [ResultField.Code]: code, [ResultField.Message]: err instanceof Error ? err.message : String(err) });
    }
  }

  private publish(s: OwnedSession, type: ResultType, fields: Record<string, string | number>): void {
    if (s.done) return;
    this.metrics?.resultsPublished.inc({ type });
    this.store.publish(s.sid, this.id, s.gateway, { [ResultField.Type]: type, [ResultField.Epoch]: s.epoch, ...fields }).then(
      (ok) => {
        if (!ok && !s.done) {
          this.logger.warn({ sid: s.sid }, 'lost the lease of a session; dropping it');
          this.drop(s);
        }
      },
      (err) => this.redisError(err, 'publish'),
    );
  }

  private finishSession(s: OwnedSession, type: 'end' | 'error', fields: Record<string, string | number>): void {
    this.publish(s, type, fields);
    s.done = true;
    this.sessions.delete(s.sid);
    this.metrics?.workerSessions.set(this.sessions.size);
    this.store.release(s.sid, this.id).catch((err) => this.redisError(err, 'release'));
  }

  /** Forget a session locally without publishing (we are no longer its owner). */
  private drop(s: OwnedSession): void {
    s.done = true;
    this.sessions.delete(s.sid);
    s.local?.abort();
    this.metrics?.workerSessions.set(this.sessions.size);
  }

  private async audioLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const reading = [...this.sessions.values()].filter((s) => !s.eof && !s.done && s.local);
      if (reading.length === 0) {
        await sleep(10);
        continue;
      }
      try {
        const keys = reading.map((s) => this.store.keys.audio(s.sid));
        const res = (await this.audioReader.xreadBuffer('COUNT', 256, 'BLOCK', 50, 'STREAMS', ...keys, ...reading.map((s) => s.lastId))) as [Buffer, [Buffer, Buffer[]][]][] | null;
        for (const [keyBuf, entries] of res ?? []) {
          const s = reading[keys.indexOf(keyBuf.toString())];
          if (!s) continue;
          for (const [idBuf, fields] of entries) {
            if (s.done) break;
            s.lastId = idBuf.toString();
            this.consume(s, fields);
          }
        }
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        this.redisError(err, 'audio');
        await sleep(Math.min(2000, 100 * 2 ** failures++));
      }
    }
  }

  private consume(s: OwnedSession, fields: Buffer[]): void {
    let seq = -1;
    let kind = '';
    let data: Buffer | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i].toString();
      if (name === 'n') seq = Number(fields[i + 1].toString());
      else if (name === 'k') kind = fields[i + 1].toString();
      else if (name === 'd') data = fields[i + 1];
    }
    if (seq !== s.nextSeq) {
      // Never decode around a hole: the text would be silently wrong.
      s.local.abort();
      this.finishSession(s, 'error', { [ResultField.Code]: ErrorCode.WorkerFailed, [ResultField.Message]: `audio chunk ${s.nextSeq} missing (got ${seq})` });
      return;
    }
    s.nextSeq++;
    if (kind === 'a' && data) s.local.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else if (kind === 'eof') {
      s.eof = true;
      s.local.finish();
    }
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function finalFields(r: FinalResult): Record<string, string | number> {
  return {
    [ResultField.Utterance]: r.utterance,
    [ResultField.Text]: r.text,
    [ResultField.Start]: r.start,
    [ResultField.End]: r.end,
    [ResultField.Tokens]: JSON.stringify(r.tokens),
    [ResultField.Timestamps]: JSON.stringify(r.timestamps),
  };
}
