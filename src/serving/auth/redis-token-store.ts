import type { Redis } from 'ioredis';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ClusterKeys } from '../cluster/cluster-keys.ts';
import { issueToken } from './access-token.ts';

export interface TokenRecord {
  id: string;
  name: string;
  /** SHA-256 (hex) of the full token; the token itself is never stored. */
  hash: string;
  /** Concurrent streams allowed; 0 = unlimited. */
  maxStreams: number;
  createdAt: number;
  /** Epoch ms; undefined = never expires. */
  expiresAt?: number;
  revokedAt?: number;
}

export interface CreateTokenOptions {
  name: string;
  maxStreams?: number;
  /** Lifetime in ms from now; undefined = never expires. */
  lifetimeMs?: number;
  now?: number;
}

/** Team tokens in Redis, hashed. Management only; authentication is in ./redis-token-authenticator.ts. */
export class RedisTokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
  ) {}

  /** Creates a token and returns its record plus the secret, which exists nowhere else. */
  async create(options: CreateTokenOptions): Promise<{ record: TokenRecord; token: string }> {
    const name = options.name.trim();
    if (name === '') throw new AsrError(ErrorCode.InvalidConfig, 'token name must not be empty');
    const maxStreams = options.maxStreams ?? 0;
    if (!Number.isInteger(maxStreams) || maxStreams < 0) throw new AsrError(ErrorCode.InvalidConfig, `max streams must be an integer >= 0, got ${maxStreams}`);
    const now = options.now ?? Date.now();
    const issued = issueToken();
    const record: TokenRecord = {
      id: issued.id,
      name,
      hash: issued.hash,
      maxStreams,
      createdAt: now,
      expiresAt: options.lifetimeMs === undefined ? undefined : now + options.lifetimeMs,
    };
    // HSETNX on the hash guards the (astronomically unlikely) id collision.
    const fresh = await this.redis.hsetnx(this.keys.token(record.id), 'hash', record.hash);
    if (fresh !== 1) throw new AsrError(ErrorCode.Internal, 'token id collision, try again');
    await this.redis
      .multi()
      .hset(this.keys.token(record.id), serialize(record))
      .sadd(this.keys.tokens, record.id)
      .exec();
    return { record, token: issued.token };
  }

  async get(id: string): Promise<TokenRecord | undefined> {
    const fields = await this.redis.hgetall(this.keys.token(id));
    return fields.hash ? parse(id, fields) : undefined;
  }

  async list(): Promise<TokenRecord[]> {
    const ids = await this.redis.smembers(this.keys.tokens);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is TokenRecord => r !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Marks the token revoked (kept for audit; refused with 403). False when no such token. */
  async revoke(id: string, now = Date.now()): Promise<boolean> {
    if (!(await this.redis.exists(this.keys.token(id)))) return false;
    await this.redis.hset(this.keys.token(id), 'revokedAt', String(now));
    return true;
  }

  /** Live streams counted against the token's quota right now. */
  async activeStreams(id: string, now = Date.now()): Promise<number> {
    return this.redis.zcount(this.keys.tokenStreams(id), now, '+inf');
  }
}

function serialize(r: TokenRecord): Record<string, string> {
  const out: Record<string, string> = { name: r.name, hash: r.hash, maxStreams: String(r.maxStreams), createdAt: String(r.createdAt) };
  if (r.expiresAt !== undefined) out.expiresAt = String(r.expiresAt);
  if (r.revokedAt !== undefined) out.revokedAt = String(r.revokedAt);
  return out;
}

function parse(id: string, f: Record<string, string>): TokenRecord {
  return {
    id,
    name: f.name ?? '',
    hash: f.hash,
    maxStreams: Number(f.maxStreams ?? 0),
    createdAt: Number(f.createdAt ?? 0),
    expiresAt: f.expiresAt ? Number(f.expiresAt) : undefined,
    revokedAt: f.revokedAt ? Number(f.revokedAt) : undefined,
  };
}
