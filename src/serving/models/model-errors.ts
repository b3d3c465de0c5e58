import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** A download failed (network, HTTP status, disk); `resumable` says whether a retry continues the partial file. */
export class DownloadError extends AsrError {
  readonly resumable: boolean;

  constructor(message: string, options: { resumable: boolean; cause?: unknown }) {
    super(ErrorCode.Download, message, { cause: options.cause });
    this.resumable = options.resumable;
  }
}

/** The caller cancelled through its AbortSignal; the partial file is kept for a later resume. */
export class DownloadCancelledError extends AsrError {
  readonly cancelled = true;

  constructor(message = 'download cancelled') {
    super(ErrorCode.Download, message);
  }
}

/** Downloaded or installed bytes do not hash to what was expected; the bad file is never used. */
export class ChecksumError extends AsrError {
  readonly expected: string;
  readonly actual: string;

  constructor(message: string, expected: string, actual: string) {
    super(ErrorCode.Checksum, message);
    this.expected = expected;
    this.actual = actual;
  }
}
