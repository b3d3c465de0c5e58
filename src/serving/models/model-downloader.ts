import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { once } from 'node:events';
import { ChecksumError, DownloadCancelledError, DownloadError } from './model-errors.ts';
import { TransferRate } from './transfer-rate.ts';

export interface DownloadProgress {
  /** Bytes of the file on disk so far, including what an earlier attempt left. */
  bytes: number;
  /** Size of the whole file, when the server (or the caller) knows it. */
  total: number | null;
  /** Current speed in bytes per second. */
  rate: number;
  /** Bytes that were already on disk when this attempt started (0 for a fresh download). */
  resumedFrom: number;
}

export interface DownloadRequest {
  url: string;
  /** Bytes accumulate here; the file survives failures and cancels so the next call resumes. */
  partialPath: string;
  /** Where the complete, verified file is renamed to. */
  destPath: string;
  /** SHA-256 of the complete file; on mismatch the file is deleted and ChecksumError thrown. */
  expectedSha256?: string | null;
  /** Where the expected checksum comes from (shown in the mismatch message). */
  checksumSource?: string;
  /** Used for progress when the server sends no length. */
  expectedSize?: number | null;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadTuning {
  maxRedirects: number;
  /** A connection that delivers nothing for this long is dropped (resumable). */
  stallTimeoutMs: number;
  /** At most one progress callback per interval (the final one always comes). */
  progressIntervalMs: number;
  userAgent: string;
}

export const defaultDownloadTuning = (): DownloadTuning => ({
  maxRedirects: 10,
  stallTimeoutMs: 30_000,
  progressIntervalMs: 100,
  userAgent: 'earshot-model-manager',
});

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** Bytes reused from an earlier attempt. */
  resumedFrom: number;
  /** True when a partial file had to be thrown away (server ignored Range, or the partial was bad). */
  restarted: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ETIMEDOUT', 'ECONNRESET']);

/**
 * Downloads one file over HTTP(S): follows redirects, resumes a partial file with `Range`,
 * hashes while it writes (the existing partial first), verifies, then renames into place.
 */
export async function downloadFile(request: DownloadRequest, tuning: DownloadTuning = defaultDownloadTuning()): Promise<DownloadResult> {
  const { url, partialPath, signal } = request;
  if (signal?.aborted) throw new DownloadCancelledError();
  await mkdir(path.dirname(partialPath), { recursive: true });
  let restarted = false;
  // At most one restart: a second surprise from the server is an error, not a loop.
  for (let attempt = 0; attempt < 2; attempt++) {
    const offset = await fileSize(partialPath);
    const res = await get(url, offset > 0 ? { range: `bytes=${offset}-` } : {}, tuning, signal);
    const status = res.statusCode ?? 0;

    if (status === 416 && offset > 0) {
      res.resume();
      // The partial may already be the whole file (a crash between download and rename).
      if (contentRangeTotal(res.headers['content-range']) === offset) {
        const hash = createHash('sha256');
        await hashFileInto(partialPath, hash, signal);
        return finish(request, hash, offset, offset, restarted);
      }
      await rm(partialPath, { force: true });
      restarted = true;
      continue;
    }

    let hash = createHash('sha256');
    let start = 0;
    let total: number | null;
    if (status === 206 && offset > 0) {
      const range = parseContentRange(res.headers['content-range']);
      if (!range || range.start !== offset) {
        res.resume();
        await rm(partialPath, { force: true });
        restarted = true;
        continue;
      }
      await hashFileInto(partialPath, hash, signal);
      start = offset;
      total = range.total;
    } else if (status === 200) {
      // A server that ignores Range sends the whole file again: start over.
      if (offset > 0) restarted = true;
      hash = createHash('sha256');
      const length = Number(res.headers['content-length']);
      total = Number.isFinite(length) && length >= 0 ? length : null;
    } else {
      res.resume();
      throw new DownloadError(`HTTP ${status} ${res.statusMessage ?? ''} from ${new URL(url).host} for ${url}`.replace(/ +/g, ' '), {
        resumable: status >= 500 || status === 429 || status === 408,
      });
    }
    const bytes = await receive(res, request, hash, start, total ?? request.expectedSize ?? null, tuning);
    if (total !== null && bytes !== total) {
      throw new DownloadError(`download of ${url} ended after ${bytes} of ${total} bytes; run again to resume`, { resumable: true });
    }
    return finish(request, hash, bytes, start, restarted);
  }
  throw new DownloadError(`the server for ${url} answered a resume request inconsistently twice`, { resumable: false });
}

async function receive(res: IncomingMessage, request: DownloadRequest, hash: Hash, start: number, total: number | null, tuning: DownloadTuning): Promise<number> {
  const { onProgress, signal } = request;
  const meter = new TransferRate();
  let bytes = start;
  let lastReport = -Infinity;
  const report = (force: boolean) => {
    const now = performance.now();
    if (!onProgress || (!force && now - lastReport < tuning.progressIntervalMs)) return;
    lastReport = now;
    onProgress({ bytes, total, rate: meter.update(bytes), resumedFrom: start });
  };
  report(true);
  // A hand-written loop rather than pipeline(): when the connection drops, pipeline would destroy
  // the file stream and lose its buffered writes; here the file is always ended (flushed), so a
  // resume keeps every byte that arrived.
  const out = createWriteStream(request.partialPath, { flags: start > 0 ? 'a' : 'w' });
  let writeError: Error | undefined;
  out.on('error', (err) => {
    writeError = err;
    res.destroy(err);
  });
  const onAbort = () => res.destroy(new DownloadCancelledError());
  signal?.addEventListener('abort', onAbort, { once: true });
  let readError: unknown;
  try {
    for await (const chunk of res) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      report(false);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } catch (err) {
    readError = err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  if (writeError) throw new DownloadError(`cannot write ${request.partialPath}: ${writeError.message}`, { resumable: false, cause: writeError });
  if (signal?.aborted) throw new DownloadCancelledError();
  if (readError) {
    if (readError instanceof DownloadError) throw readError;
    throw new DownloadError(`download of ${request.url} interrupted after ${bytes} bytes (${(readError as Error).message}); run again to resume`, {
      resumable: true,
      cause: readError,
    });
  }
  report(true);
  return bytes;
}

async function finish(request: DownloadRequest, hash: Hash, bytes: number, resumedFrom: number, restarted: boolean): Promise<DownloadResult> {
  const sha256 = hash.digest('hex');
  const expected = request.expectedSha256;
  if (expected && expected !== sha256) {
    // Never keep bytes that fail their checksum: a resume would only extend the corruption.
    await rm(request.partialPath, { force: true });
    const source = request.checksumSource ? ` (expected checksum from ${request.checksumSource})` : '';
    throw new ChecksumError(`${request.url} has SHA-256 ${sha256}, expected ${expected}${source}; the file was deleted`, expected, sha256);
  }
  await rename(request.partialPath, request.destPath);
  return { path: request.destPath, sha256, bytes, resumedFrom, restarted };
}

/** One GET, following redirects (re-sending Range); resolves with the final response. */
function get(url: string, headers: Record<string, string>, tuning: DownloadTuning, signal: AbortSignal | undefined, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new DownloadError(`not a valid URL: ${url}`, { resumable: false }));
      return;
    }
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new DownloadError(`unsupported URL scheme ${target.protocol} in ${url}`, { resumable: false }));
      return;
    }
    // Abort is wired by hand until the response arrives; after that the body pipeline owns it
    // (an AbortSignal given to http.get would also destroy the response behind the pipeline's back).
    const onAbort = () => req.destroy(new DownloadCancelledError());
    const req = client.get(target, { headers: { ...headers, 'user-agent': tuning.userAgent, 'accept-encoding': 'identity' } }, (res) => {
      signal?.removeEventListener('abort', onAbort);
      // Errors after the pipeline settled (a late reset) must not become uncaught exceptions.
      res.on('error', () => {});
      const status = res.statusCode ?? 0;
      if (!REDIRECTS.has(status)) {
        resolve(res);
        return;
      }
      res.resume();
      const location = res.headers.location;
      if (!location) return reject(new DownloadError(`HTTP ${status} redirect without a Location from ${target.host}`, { resumable: false }));
      const next = new URL(location, target);
      if (redirects >= tuning.maxRedirects) return reject(new DownloadError(`too many redirects (${redirects}) for ${url}`, { resumable: false }));
      if (target.protocol === 'https:' && next.protocol !== 'https:') {
        return reject(new DownloadError(`refusing a redirect from https to ${next.protocol} (${next.host})`, { resumable: false }));
      }
      resolve(get(next.href, headers, tuning, signal, redirects + 1));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(tuning.stallTimeoutMs, () => {
      req.destroy(new DownloadError(`no data from ${target.host} for ${tuning.stallTimeoutMs / 1000} s; run again to resume`, { resumable: true }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(new DownloadCancelledError());
      if (err instanceof DownloadError || err instanceof DownloadCancelledError) return reject(err);
      if (err.code && OFFLINE_CODES.has(err.code)) {
        return reject(new DownloadError(`cannot reach ${target.host} (${err.code}) — are you offline?`, { resumable: true, cause: err }));
      }
      reject(new DownloadError(`request to ${target.host} failed: ${err.message}`, { resumable: true, cause: err }));
    });
  });
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new DownloadError(`cannot read ${file}: ${(err as Error).message}`, { resumable: false, cause: err });
  }
}

async function hashFileInto(file: string, hash: Hash, signal: AbortSignal | undefined): Promise<void> {
  try {
    for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  } catch (err) {
    if (signal?.aborted) throw new DownloadCancelledError();
    throw new DownloadError(`cannot read the partial download ${file}: ${(err as Error).message}`, { resumable: false, cause: err });
  }
}

/** `bytes 100-199/1000` → {start 100, total 1000}; `*` total → null. */
export function parseContentRange(header: string | undefined): { start: number; end: number; total: number | null } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}

/** `bytes *\/1000` (the 416 form) → 1000. */
function contentRangeTotal(header: string | undefined): number | undefined {
  const m = /^bytes \*\/(\d+)$/.exec(header?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}
