import { randomUUID } from 'node:crypto';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { HandshakeAuthenticator, HandshakeRequest, Principal, StreamQuota } from './handshake-auth.ts';

/**
 * Counts each accepted connection (one stream in protocol v1) against its principal's quota at
 * the handshake (HTTP 429 + ASR_ERR_QUOTA_EXCEEDED when full) and gives it back when the
 * connection's socket closes, however it closes.
 */
export class QuotaAuthenticator implements HandshakeAuthenticator {
  constructor(
    private readonly inner: HandshakeAuthenticator,
    private readonly quota: StreamQuota,
  ) {}

  async authenticate(request: HandshakeRequest): Promise<Principal> {
    const principal = await this.inner.authenticate(request);
    if (principal.maxStreams <= 0) return principal;
    // Without the socket the grant could never be returned: fail closed.
    if (!request.socket) throw new AsrError(ErrorCode.Internal, 'stream quotas need the connection socket at the handshake');
    const streamId = randomUUID();
    await this.quota.acquire(principal, streamId);
    request.socket.once('close', () => void this.quota.release(principal, streamId).catch(() => undefined));
    return principal;
  }
}
