import type { Redis } from 'ioredis';
import type { ClusterKeys } from '../cluster/cluster-keys.ts';
import { hashToken, hashesEqual, tokenId } from './access-token.ts';
import { ForbiddenError, UnauthorizedError } from './auth-errors.ts';
import { presentedToken, type HandshakeAuthenticator, type HandshakeRequest, type Principal } from './handshake-auth.ts';

/**
 * Team tokens from Redis: 401 when missing, malformed, unknown or expired; 403 when revoked.
 * Unknown ids still pay for a hash comparison so timing does not tell ids apart.
 */
export class RedisTokenAuthenticator implements HandshakeAuthenticator {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(request: HandshakeRequest): Promise<Principal> {
    const token = presentedToken(request);
    if (token === undefined) throw new UnauthorizedError('missing token (Authorization: Bearer … or ?token=…)');
    const id = tokenId(token);
    const presented = hashToken(token);
    const fields = id === undefined ? {} : await this.redis.hgetall(this.keys.token(id));
    const stored = fields.hash ?? '0'.repeat(64);
    if (!hashesEqual(presented, stored) || id === undefined || !fields.hash) throw new UnauthorizedError('invalid token');
    if (fields.revokedAt) throw new ForbiddenError('token revoked');
    if (fields.expiresAt && Number(fields.expiresAt) <= this.now()) throw new UnauthorizedError('token expired');
    return { id, name: fields.name ?? id, maxStreams: Number(fields.maxStreams ?? 0) };
  }
}
