import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import bz2 from 'unbzip2-stream';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { DownloadCancelledError } from './model-errors.ts';

export interface ExtractProgress {
  /** Compressed bytes consumed so far. */
  bytes: number;
  total: number;
}

/**
 * Unpacks a .tar.bz2 into `into` (which the caller then renames into place, so a half-unpacked
 * model is never visible). Only regular files and folders are written; tar already refuses
 * absolute paths and `..`, and `strict` turns every such warning into an error.
 */
export async function extractTarBz2(
  archive: string,
  into: string,
  options: { signal?: AbortSignal; onProgress?: (p: ExtractProgress) => void; progressIntervalMs?: number } = {},
): Promise<void> {
  const { signal, onProgress, progressIntervalMs = 100 } = options;
  if (signal?.aborted) throw new DownloadCancelledError('extraction cancelled');
  await mkdir(into, { recursive: true });
  const total = (await stat(archive)).size;
  let bytes = 0;
  let last = -Infinity;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      const now = performance.now();
      if (onProgress && now - last >= progressIntervalMs) {
        last = now;
        onProgress({ bytes, total });
      }
      done(null, chunk);
    },
  });
  const unpack = tar.x({
    cwd: into,
    strict: true,
    preserveOwner: false,
    filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'Directory'),
  });
  try {
    await pipeline(createReadStream(archive), counter, bz2(), unpack, { signal });
  } catch (err) {
    if (signal?.aborted) throw new DownloadCancelledError('extraction cancelled');
    throw new AsrError(ErrorCode.ModelInvalid, `cannot unpack ${archive} as .tar.bz2: ${(err as Error).message}`, { cause: err });
  }
  onProgress?.({ bytes, total });
}
