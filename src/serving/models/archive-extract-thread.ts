import { Worker } from 'node:worker_threads';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ExtractProgress } from './archive-extractor.ts';
import { DownloadCancelledError } from './model-errors.ts';

export interface ExtractWorkerData {
  archive: string;
  into: string;
  progressIntervalMs: number;
}

export type FromExtractWorker =
  | ({ type: 'progress' } & ExtractProgress)
  | { type: 'done' }
  | { type: 'error'; code?: string; message: string };

export const DEFAULT_EXTRACT_WORKER = new URL('./archive-extract-bootstrap.js', import.meta.url);

/**
 * extractTarBz2 in a worker thread: pure-JS bzip2 costs seconds of CPU per 10 MB, which on the
 * Electron main process would stall the embedded gateway and the UI. Cancel terminates the thread.
 */
export function extractInWorker(
  archive: string,
  into: string,
  options: { signal?: AbortSignal; onProgress?: (p: ExtractProgress) => void; progressIntervalMs?: number; entry?: URL } = {},
): Promise<void> {
  const { signal, onProgress, progressIntervalMs = 100, entry = DEFAULT_EXTRACT_WORKER } = options;
  if (signal?.aborted) return Promise.reject(new DownloadCancelledError('extraction cancelled'));
  return new Promise((resolve, reject) => {
    const data: ExtractWorkerData = { archive, into, progressIntervalMs };
    const worker = new Worker(entry, { workerData: data });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(new DownloadCancelledError('extraction cancelled')));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: FromExtractWorker) => {
      if (m.type === 'progress') onProgress?.({ bytes: m.bytes, total: m.total });
      else if (m.type === 'done') settle(resolve);
      else {
        const code = m.code?.startsWith('ASR_ERR_') ? (m.code as ErrorCode) : ErrorCode.ModelInvalid;
        settle(() => reject(new AsrError(code, m.message)));
      }
    });
    worker.on('error', (err) => settle(() => reject(new AsrError(ErrorCode.Internal, `unpacking thread failed: ${err.message}`, { cause: err }))));
    worker.on('exit', (code) => settle(() => reject(new AsrError(ErrorCode.Internal, `unpacking thread exited with code ${code} before finishing`))));
  });
}
