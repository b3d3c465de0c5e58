import { isAsrError } from '../../../shared/errors.ts';

/** A user-facing line for any failure, keeping the stable code visible for support. */
export function errorMessage(err: unknown): string {
  if (isAsrError(err)) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}
