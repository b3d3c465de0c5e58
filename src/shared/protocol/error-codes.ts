/**
 * Stable error codes of protocol v1 (documented in docs/protocol.md).
 * Clients match on these strings; never rename one, only add.
 */
export const ErrorCode = {
  /** The first text message was not a valid `start`, or a message was not valid JSON. */
  BadRequest: 'ASR_ERR_BAD_REQUEST',
  /** Binary audio arrived before `start`. */
  NotStarted: 'ASR_ERR_NOT_STARTED',
  /** A message `type` the server does not know. */
  UnknownMessage: 'ASR_ERR_UNKNOWN_MESSAGE',
  /** Sample rate, format or channel count not supported. */
  UnsupportedAudio: 'ASR_ERR_UNSUPPORTED_AUDIO',
  /** A frame larger than the configured maximum. */
  FrameTooLarge: 'ASR_ERR_FRAME_TOO_LARGE',
  /** The audio buffered while waiting or decoding exceeded its bound. */
  BufferOverflow: 'ASR_ERR_BUFFER_OVERFLOW',
  /** The requested model is not loaded on this server. */
  UnknownModel: 'ASR_ERR_UNKNOWN_MODEL',
  /** Server over capacity (also sent as HTTP 503 at the handshake). */
  Overloaded: 'ASR_ERR_OVERLOADED',
  /** The session was idle for too long. */
  IdleTimeout: 'ASR_ERR_IDLE_TIMEOUT',
  /** Missing or invalid token (HTTP 401). */
  Unauthorized: 'ASR_ERR_UNAUTHORIZED',
  /** Valid token, not allowed (revoked, bad origin) (HTTP 403). */
  Forbidden: 'ASR_ERR_FORBIDDEN',
  /** The token's concurrent-stream quota is used up. */
  QuotaExceeded: 'ASR_ERR_QUOTA_EXCEEDED',
  /** The server is shutting down; the session was finished or cut. */
  ShuttingDown: 'ASR_ERR_SHUTTING_DOWN',
  /** A worker or the cluster backend failed and the session cannot continue. */
  WorkerFailed: 'ASR_ERR_WORKER_FAILED',
  /** The cluster store (Redis) is unreachable. */
  BackendUnavailable: 'ASR_ERR_BACKEND_UNAVAILABLE',
  /** Anything unexpected; a bug. */
  Internal: 'ASR_ERR_INTERNAL',
  // Engine and model errors (also surface through the CLI).
  ModelNotFound: 'ASR_ERR_MODEL_NOT_FOUND',
  ModelInvalid: 'ASR_ERR_MODEL_INVALID',
  InvalidAudio: 'ASR_ERR_INVALID_AUDIO',
  InvalidSampleRate: 'ASR_ERR_INVALID_SAMPLE_RATE',
  StreamFinished: 'ASR_ERR_STREAM_FINISHED',
  InvalidConfig: 'ASR_ERR_INVALID_CONFIG',
  ProviderUnavailable: 'ASR_ERR_PROVIDER_UNAVAILABLE',
  Download: 'ASR_ERR_DOWNLOAD',
  Checksum: 'ASR_ERR_CHECKSUM',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes used by the gateway (4000–4999 is the application range). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  PolicyViolation: 1008,
  TooBig: 1009,
  InternalError: 1011,
  TryAgainLater: 1013,
  BadRequest: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  IdleTimeout: 4408,
  QuotaExceeded: 4429,
  WorkerFailed: 4500,
} as const;
