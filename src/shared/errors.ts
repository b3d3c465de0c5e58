import type { ErrorCode } from './protocol/error-codes.ts';

/** Base class of every Earshot error: a stable `code` clients and tests can match on. */
export class AsrError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True for any error carrying one of our codes, even across realms (worker threads). */
export function isAsrError(err: unknown): err is AsrError {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ASR_ERR_');
}
