import { CloseCode, ErrorCode } from '../../shared/protocol/error-codes.ts';

/** The WebSocket close code that follows an error message with `code` (documented in docs/protocol.md). */
export function closeCodeFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.BadRequest:
    case ErrorCode.NotStarted:
    case ErrorCode.UnknownMessage:
    case ErrorCode.UnknownModel:
      return CloseCode.BadRequest;
    case ErrorCode.UnsupportedAudio:
    case ErrorCode.InvalidAudio:
    case ErrorCode.InvalidSampleRate:
      return CloseCode.UnsupportedData;
    case ErrorCode.FrameTooLarge:
      return CloseCode.TooBig;
    case ErrorCode.BufferOverflow:
      return CloseCode.PolicyViolation;
    case ErrorCode.Overloaded:
    case ErrorCode.BackendUnavailable:
      return CloseCode.TryAgainLater;
    case ErrorCode.IdleTimeout:
      return CloseCode.IdleTimeout;
    case ErrorCode.Unauthorized:
      return CloseCode.Unauthorized;
    case ErrorCode.Forbidden:
      return CloseCode.Forbidden;
    case ErrorCode.QuotaExceeded:
      return CloseCode.QuotaExceeded;
    case ErrorCode.ShuttingDown:
      return CloseCode.GoingAway;
    case ErrorCode.WorkerFailed:
      return CloseCode.WorkerFailed;
    default:
      return CloseCode.InternalError;
  }
}
