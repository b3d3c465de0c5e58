/** Runs inside a worker thread: unpacks one archive so bzip2 never blocks the main event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { extractTarBz2 } from './archive-extractor.ts';
import type { ExtractWorkerData, FromExtractWorker } from './archive-extract-thread.ts';

const port = parentPort!;
const job = workerData as ExtractWorkerData;
const post = (m: FromExtractWorker) => port.postMessage(m);

try {
  await extractTarBz2(job.archive, job.into, { progressIntervalMs: job.progressIntervalMs, onProgress: (p) => post({ type: 'progress', ...p }) });
  post({ type: 'done' });
} catch (err) {
  const e = err as Error & { code?: string };
  post({ type: 'error', code: e.code, message: e.message });
}
