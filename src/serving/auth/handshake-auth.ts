import type { IncomingHttpHeaders } from 'node:http';

/**
 * The gateway's one authentication hook, checked before a WebSocket upgrade completes. The
 * desktop app plugs in its per-launch token (StaticTokenAuthenticator), a team cluster its
 * Redis-stored tokens (RedisTokenAuthenticator); either may be wrapped by an Origin allow-list.
 */
export interface HandshakeRequest {
  headers: IncomingHttpHeaders;
  /** Request target, e.g. `/v1/listen?token=…`. */
  url?: string;
  /** The connection's socket (an IncomingMessage has it): per-connection grants end when it closes. */
  socket?: { once(event: 'close', listener: () => void): unknown };
}

/** Who is calling; quotas and metrics key on `id`. */
export interface Principal {
  id: string;
  name: string;
  /** Concurrent streams allowed; 0 = unlimited. */
  maxStreams: number;
}

export interface HandshakeAuthenticator {
  /** Resolves the caller, or rejects with a HandshakeRefusedError (401/403) the gateway answers with. */
  authenticate(request: HandshakeRequest): Promise<Principal>;
}

/** Per-principal concurrent-stream quota. */
export interface StreamQuota {
  /** Counts `streamId` against the principal; rejects with QuotaExceededError when full. */
  acquire(principal: Principal, streamId: string): Promise<void>;
  /** Idempotent. */
  release(principal: Principal, streamId: string): Promise<void>;
}

/** `Authorization: Bearer …` first, then `?token=…` (browsers cannot set headers on WebSockets). */
export function presentedToken(request: HandshakeRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m) return m[1];
  }
  if (request.url) {
    const query = new URL(request.url, 'http://placeholder').searchParams.get('token');
    if (query) return query;
  }
  return undefined;
}

/** Everyone is the same anonymous principal: loopback development and benchmarks. */
export class OpenAuthenticator implements HandshakeAuthenticator {
  async authenticate(): Promise<Principal> {
    return { id: 'anonymous', name: 'anonymous', maxStreams: 0 };
  }
}

/** No quota at all. */
export class UnlimitedStreamQuota implements StreamQuota {
  async acquire(): Promise<void> {}
  async release(): Promise<void> {}
}
