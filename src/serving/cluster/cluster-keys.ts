/**
 * Every Redis key the cluster uses, in one place (the data model of docs/architecture.md,
 * "Cluster mode"). Lua scripts build the same names from the prefix they are given, so this file
 * and ./cluster-scripts.ts change together.
 */
export class ClusterKeys {
  constructor(readonly prefix = 'earshot:') {}

  /** ZSET worker id → heartbeat expiry (Redis time, ms); a lapsed score means the worker is dead. */
  get workersAlive(): string {
    return `${this.prefix}workers:alive`;
  }
  /** HASH worker id → JSON info (capacity, models, provider), what admission sums up. */
  get workersInfo(): string {
    return `${this.prefix}workers:info`;
  }
  /** SET of session ids whose decoder state lives on the worker. */
  workerSessions(id: string): string {
    return `${this.prefix}worker:${id}:sessions`;
  }
  /** ZSET gateway id → heartbeat expiry (ms). */
  get gatewaysAlive(): string {
    return `${this.prefix}gateways:alive`;
  }
  /** SET of session ids opened through the gateway (waiting, admitted or decoding). */
  gatewaySessions(id: string): string {
    return `${this.prefix}gateway:${id}:sessions`;
  }
  /** STREAM of partials/finals/ends/errors for the gateway's sessions, read only by that gateway. */
  results(gatewayId: string): string {
    return `${this.prefix}gateway:${gatewayId}:results`;
  }
  /** STREAM of sessions to (re)assign, one per model; consumer group `workers`. */
  assign(model: string): string {
    return `${this.prefix}assign:${model}`;
  }
  /** HASH: gw, model, spec, epoch (bumped on every claim), acked (last final the gateway delivered). Its absence means the session is gone. */
  session(sid: string): string {
    return `${this.prefix}session:${sid}`;
  }
  /** STREAM of the session's audio chunks (n = sequence, k = 'a' | 'eof', d = bytes), kept until the session ends. */
  audio(sid: string): string {
    return `${this.prefix}session:${sid}:audio`;
  }
  /** STRING: id of the worker holding the session's decoder state; a lease with a TTL. */
  owner(sid: string): string {
    return `${this.prefix}session:${sid}:owner`;
  }
  /** SET of session ids admitted to decoding (global admission); its size is bounded by live capacity. */
  get admitted(): string {
    return `${this.prefix}admission:active`;
  }
  /** ZSET sid → arrival sequence: the one global waiting room; position = ZRANK + 1. */
  get waiting(): string {
    return `${this.prefix}admission:waiting`;
  }
  /** INCR counter giving waiting-room arrival order across gateways. */
  get waitingSeq(): string {
    return `${this.prefix}admission:seq`;
  }
  /** HASH of moving averages the gateways share (session hold time for ETAs). */
  get admissionStats(): string {
    return `${this.prefix}admission:stats`;
  }
  get tokens(): string {
    return `${this.prefix}tokens`;
  }
  /** HASH: name, hash, maxStreams, createdAt, expiresAt, revokedAt. */
  token(id: string): string {
    return `${this.prefix}token:${id}`;
  }
  /** ZSET sid → lease expiry (ms): the token's live streams, for its quota. */
  tokenStreams(id: string): string {
    return `${this.prefix}token:${id}:streams`;
  }
}

export const WORKER_GROUP = 'workers';
