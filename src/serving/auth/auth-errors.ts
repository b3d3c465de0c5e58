import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** Refusals at the WebSocket handshake carry the HTTP status the gateway answers with. */
export class HandshakeRefusedError extends AsrError {
  constructor(
    code: ErrorCode,
    readonly httpStatus: number,
    message: string,
  ) {
    super(code, message);
  }
}

/** Missing, malformed, unknown or expired token: HTTP 401. */
export class UnauthorizedError extends HandshakeRefusedError {
  constructor(message: string) {
    super(ErrorCode.Unauthorized, 401, message);
  }
}

/** A valid credential that is not allowed (revoked token, origin not on the allow-list): HTTP 403. */
export class ForbiddenError extends HandshakeRefusedError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, 403, message);
  }
}

/** The token already has its maximum number of concurrent streams: HTTP 429 at the handshake. */
export class QuotaExceededError extends HandshakeRefusedError {
  constructor(message: string) {
    super(ErrorCode.QuotaExceeded, 429, message);
  }
}
