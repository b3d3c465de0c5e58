import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { ClusterStore, type GatewayTickResult } from './cluster-store.ts';
import { connectRedis } from './redis-connection.ts';

export interface GatewayLinkConfig {
  redisUrl: string;
  keyPrefix: string;
  /** Unique per process; its results stream and heartbeat are named after it. */
  gatewayId: string;
  /** Heartbeat + admission pump + queue positions, every tickMs. */
  tickMs: number;
  /**
   * A gateway silent this long is dead: its sessions are dropped and their slots freed. Generous on
   * purpose: a gateway wrongly declared dead loses all its sessions, a really dead one only holds
   * its admission slots a little longer.
   */
  ttlMs: number;
}

export function defaultGatewayLinkConfig(redisUrl = 'redis://127.0.0.1:6379'): GatewayLinkConfig {
  return { redisUrl, keyPrefix: 'earshot:', gatewayId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`, tickMs: 250, ttlMs: 15_000 };
}

export function validateGatewayLinkConfig(c: GatewayLinkConfig): GatewayLinkConfig {
  const bad = (m: string): never => {
    throw new AsrError(ErrorCode.InvalidConfig, m);
  };
  if (!/^rediss?:\/\//.test(c.redisUrl)) bad(`redis url must start with redis:// or rediss://, got ${c.redisUrl}`);
  if (!/^[\w.:-]+$/.test(c.gatewayId)) bad(`gateway id may hold letters, digits, . : _ - only, got ${c.gatewayId}`);
  if (!(Number.isInteger(c.tickMs) && c.tickMs >= 10)) bad('tickMs must be an integer >= 10');
  if (!(Number.isInteger(c.ttlMs) && c.ttlMs >= 4 * c.tickMs)) bad('ttlMs must be an integer >= 4 × tickMs');
  return c;
}

const EMPTY_TICK: GatewayTickResult = { fenced: false, capacity: 0, workers: 0, active: 0, waiting: 0, meanHoldMs: 0, models: [], positions: [] };

/**
 * A gateway's connection to the cluster, shared by its RedisTransport and RedisAdmissionControl:
 * two connections (commands, fail-fast; a blocking reader), the periodic tick (heartbeat,
 * reaping, admission pump, queue positions) and the signal that Redis was lost.
 */
export class GatewayLink {
  cmd!: Redis;
  reader!: Redis;
  store!: ClusterStore;
  /** The cluster as the last tick saw it. */
  last: GatewayTickResult = EMPTY_TICK;
  private registered = false;
  private started = false;
  private connected = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly tickListeners = new Set<(t: GatewayTickResult, asked: string[]) => void>();
  private readonly lostListeners = new Set<(reason: string) => void>();
  private readonly refusals = new Map<string, { code: ErrorCode; message: string }>();
  /** Which waiting sessions the tick asks positions for (set by the admission control). */
  waitingIds: () => string[] = () => [];

  constructor(
    readonly config: GatewayLinkConfig,
    private readonly logger: Logger,
    readonly metrics?: ClusterMetrics,
  ) {
    validateGatewayLinkConfig(config);
  }

  get id(): string {
    return this.config.gatewayId;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  onTick(listener: (t: GatewayTickResult, asked: string[]) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Redis connection lost, or this gateway found itself declared dead: every session in flight is gone. */
  onLost(listener: (reason: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Admission could not admit `sid` (room full, Redis down): the transport's open() rejects it with this. */
  noteRefusal(sid: string, code: ErrorCode, message: string): void {
    this.refusals.set(sid, { code, message });
  }

  takeRefusal(sid: string): AsrError | undefined {
    const r = this.refusals.get(sid);
    if (!r) return undefined;
    this.refusals.delete(sid);
    return new AsrError(r.code, r.message);
  }

  /** Idempotent: the transport and the admission control may both start it. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const conn = (role: string, failFast: boolean) => connectRedis({ url: this.config.redisUrl, name: `earshot-gateway-${role}-${this.id}`, failFast });
    [this.cmd, this.reader] = await Promise.all([conn('cmd', true), conn('results', true)]);
    this.store = new ClusterStore(this.cmd, this.config.keyPrefix);
    this.connected = true;
    this.metrics?.redisConnected.set({ role: 'gateway' }, 1);
    this.cmd.on('close', () => {
      if (!this.connected) return;
      this.connected = false;
      this.registered = false;
      // Nothing about the cluster is known until the next tick (503/ETA decisions, capacity).
      this.last = { ...EMPTY_TICK, meanHoldMs: this.last.meanHoldMs };
      this.metrics?.redisConnected.set({ role: 'gateway' }, 0);
      if (this.started) this.emitLost('lost the connection to Redis');
    });
    this.cmd.on('ready', () => {
      // Sessions this gateway had in Redis were failed locally when the connection dropped; if
      // Redis kept its data they would hold admission slots forever, so hand them back first.
      void this.resetAfterReconnect();
    });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.tickMs);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.timer);
    try {
      if (this.connected) await this.store.deregisterGateway(this.id);
    } catch {
      // Its heartbeat lapses instead.
    }
    this.reader.disconnect();
    this.cmd.disconnect();
  }

  private async resetAfterReconnect(): Promise<void> {
    while (this.started && this.cmd.status === 'ready' && !this.connected) {
      try {
        await this.store.deregisterGateway(this.id);
        this.connected = true;
        this.metrics?.redisConnected.set({ role: 'gateway' }, 1);
        this.logger.info({ gateway: this.id }, 'Redis connection ready again');
      } catch (err) {
        this.logger.warn({ err: String(err) }, 'reset after reconnecting failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private emitLost(reason: string): void {
    this.logger.error({ gateway: this.id, reason }, 'cluster sessions lost');
    for (const l of this.lostListeners) l(reason);
  }

  private async tick(): Promise<void> {
    if (this.ticking || !this.started || !this.connected) return;
    this.ticking = true;
    const asked = this.waitingIds();
    try {
      const t = await this.store.gatewayTick(this.id, this.config.ttlMs, !this.registered, asked);
      this.registered = true;
      if (t.fenced) {
        this.metrics?.fenced.inc();
        this.emitLost('this gateway had been declared dead (heartbeat lapsed)');
      }
      this.last = t;
      this.metrics?.clusterCapacity.set(t.capacity);
      this.metrics?.liveWorkers.set(t.workers);
      this.metrics?.clusterWaiting.set(t.waiting);
      this.metrics?.clusterActive.set(t.active);
      for (const l of this.tickListeners) l(t, asked);
    } catch (err) {
      this.metrics?.redisErrors.inc({ role: 'gateway' });
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'gateway tick failed');
    } finally {
      this.ticking = false;
    }
  }
}
