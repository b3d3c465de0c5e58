import type { Redis } from 'ioredis';
import {
  ACK_FINAL,
  ADMIT,
  APPEND_AUDIO,
  CLAIM,
  DEREGISTER_GATEWAY,
  DEREGISTER_WORKER,
  END_SESSION,
  GATEWAY_TICK,
  LEAVE,
  OPEN_SESSION,
  PUBLISH_RESULT,
  RELEASE,
  WORKER_HEARTBEAT,
} from './cluster-scripts.ts';
import { ClusterKeys, WORKER_GROUP } from './cluster-keys.ts';

type Arg = string | number | Buffer;

/** What a worker publishes about itself (JSON in `workers:info`). */
export interface WorkerInfo {
  capacity: number;
  models: string[];
  host: string;
  pid: number;
  provider: string;
  maxBatch: number;
  startedAt: number;
}

export interface GatewayTickResult {
  /** This gateway had been declared dead (its sessions are gone). */
  fenced: boolean;
  capacity: number;
  /** Live workers. */
  workers: number;
  active: number;
  waiting: number;
  meanHoldMs: number;
  models: string[];
  /** Per asked session: 0 admitted, N-th place, -1 unknown. */
  positions: number[];
}

export type ClaimResult =
  | { state: 'owned'; epoch: number; acked: number; gateway: string; spec: string }
  | { state: 'gone' | 'taken' | 'mine' };

/**
 * Typed access to the cluster's Redis data model (./cluster-keys.ts) through its atomic scripts
 * (./cluster-scripts.ts). Scripts are sent with EVAL rather than EVALSHA: a NOSCRIPT retry after
 * a Redis restart could reorder pipelined audio appends, and Redis caches compiled scripts anyway.
 */
export class ClusterStore {
  readonly keys: ClusterKeys;

  constructor(
    readonly redis: Redis,
    prefix = 'earshot:',
  ) {
    this.keys = new ClusterKeys(prefix);
  }

  private run(lua: string, ...args: Arg[]): Promise<unknown> {
    return this.redis.eval(lua, 0, this.keys.prefix, ...args);
  }

  async workerHeartbeat(id: string, info: WorkerInfo, ttlMs: number, leaseMs: number, first: boolean, owned: string[]): Promise<{ fenced: boolean; requeued: number; lost: string[] }> {
    const out = (await this.run(WORKER_HEARTBEAT, id, JSON.stringify(info), ttlMs, leaseMs, first ? 1 : 0, ...owned)) as [number, number, ...string[]];
    return { fenced: out[0] === 1, requeued: out[1], lost: out.slice(2) as string[] };
  }

  async gatewayTick(id: string, ttlMs: number, first: boolean, waiting: string[]): Promise<GatewayTickResult> {
    const raw = JSON.parse((await this.run(GATEWAY_TICK, id, ttlMs, first ? 1 : 0, ...waiting)) as string);
    return {
      fenced: raw.fenced === 1,
      capacity: raw.capacity,
      workers: raw.workers,
      active: raw.active,
      waiting: raw.waiting,
      meanHoldMs: raw.meanHoldMs,
      models: Array.isArray(raw.models) ? raw.models : [],
      positions: Array.isArray(raw.positions) ? raw.positions : [],
    };
  }

  async admit(sid: string, gateway: string, maxWaiting: number): Promise<{ state: 'admitted' | 'waiting' | 'rejected'; position: number; pending: number }> {
    const [state, position, pending] = (await this.run(ADMIT, sid, gateway, maxWaiting)) as [number, number, number];
    return { state: state === 1 ? 'admitted' : state === 0 ? 'waiting' : 'rejected', position, pending };
  }

  async leave(sid: string, gateway: string, heldMs: number): Promise<void> {
    await this.run(LEAVE, sid, gateway, Math.round(heldMs));
  }

  async openSession(sid: string, gateway: string, model: string, spec: string): Promise<void> {
    await this.run(OPEN_SESSION, sid, gateway, model, spec);
  }

  /** False when the session no longer exists in Redis. */
  async appendAudio(sid: string, seq: number, kind: 'a' | 'eof', bytes: Uint8Array): Promise<boolean> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (await this.run(APPEND_AUDIO, sid, seq, kind, data)) === 1;
  }

  async ackFinal(sid: string, utterance: number): Promise<void> {
    await this.run(ACK_FINAL, sid, utterance);
  }

  async endSession(sid: string): Promise<void> {
    await this.run(END_SESSION, sid);
  }

  async claim(sid: string, worker: string, leaseMs: number): Promise<ClaimResult> {
    const out = (await this.run(CLAIM, sid, worker, leaseMs)) as [number, number?, string?, string?];
    if (out[0] === -1) return { state: 'gone' };
    if (out[0] === -2) return { state: 'taken' };
    if (out[0] === -3) return { state: 'mine' };
    return { state: 'owned', epoch: out[0], acked: out[1] ?? -1, gateway: out[2] ?? '', spec: out[3] ?? '{}' };
  }

  /** False when this worker no longer owns the session. */
  async publish(sid: string, worker: string, gateway: string, fields: Record<string, string | number>): Promise<boolean> {
    const flat: Arg[] = [];
    for (const [k, v] of Object.entries(fields)) flat.push(k, v);
    return (await this.run(PUBLISH_RESULT, sid, worker, gateway, ...flat)) === 1;
  }

  async release(sid: string, worker: string): Promise<void> {
    await this.run(RELEASE, sid, worker);
  }

  async deregisterWorker(worker: string): Promise<number> {
    return (await this.run(DEREGISTER_WORKER, worker)) as number;
  }

  async deregisterGateway(gateway: string): Promise<void> {
    await this.run(DEREGISTER_GATEWAY, gateway);
  }

  /** Creates the assignment stream's consumer group if missing (also after Redis lost its data). */
  async ensureAssignGroup(model: string): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.assign(model), WORKER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }
}
