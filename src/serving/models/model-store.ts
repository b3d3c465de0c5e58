import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { extractInWorker } from './archive-extract-thread.ts';
import { extractTarBz2 } from './archive-extractor.ts';
import { MODEL_NAME, type CatalogEntry, type ModelCatalog, type ModelFamily } from './catalog-schema.ts';
import { ChecksumLedger } from './checksum-ledger.ts';
import { acquireDownloadLock } from './download-lock.ts';
import { findModel } from './model-catalog.ts';
import { defaultDownloadTuning, downloadFile, type DownloadTuning } from './model-downloader.ts';
import { DownloadCancelledError, DownloadError } from './model-errors.ts';
import { checkManifestFiles, hashTree, readManifest, sha256File, writeManifest, type ModelManifest } from './model-manifest.ts';

/** Where a model stands, as the model manager UI shows it. */
export type ModelState = 'bundled' | 'installed' | 'partial' | 'not-installed';

export interface ModelStatus {
  name: string;
  title: string;
  /** null for a folder the user dropped in that is not in the catalog. */
  family: ModelFamily | null;
  engineSupported: boolean;
  languages: string[];
  state: ModelState;
  /** The folder to hand to the engine (bundled or installed), else null. */
  path: string | null;
  /** For bundled and installed models: every file the catalog names is present. */
  complete: boolean;
  sizeBytes: number | null;
  sizeApprox: boolean;
  /** Bytes of an interrupted download waiting to be resumed. */
  partialBytes: number;
  license: string | null;
  notes: string | null;
  /** In the model folder but not in the catalog (a sherpa-onnx folder the user added). */
  custom: boolean;
}

export type PullPhase = 'download' | 'extract' | 'verify';

export interface PullProgress {
  name: string;
  phase: PullPhase;
  /** Bytes so far in this phase: downloaded, compressed bytes unpacked, or unpacked bytes hashed. */
  bytes: number;
  total: number | null;
  /** Bytes per second (download phase; 0 otherwise). */
  rate: number;
  /** Download attempt, 1-based (resumes after a dropped connection count up). */
  attempt: number;
}

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Keep the .tar.bz2 under .downloads/ so `verify` can recheck it too. */
  keepArchive?: boolean;
}

export interface VerifyReport {
  name: string;
  ok: boolean;
  /** What was checked: 'manifest' (installed files against their install-time hashes), 'files' (presence only). */
  checked: Array<'manifest' | 'files' | 'archive'>;
  filesChecked: number;
  problems: string[];
}

export interface ModelStoreConfig {
  /** The user's model folder (see defaultModelsDir()). */
  dir: string;
  /** Root that bundled model paths in the catalog are relative to. */
  appRoot: string;
  /** Extra attempts after a resumable failure (each resumes the partial file). */
  retries: number;
  /** First pause before a retry; doubles each time. */
  retryDelayMs: number;
  download: DownloadTuning;
  /** Unpack in a worker thread (default) so bzip2 never blocks the caller's event loop, or inline. */
  extractIn: 'worker' | 'inline';
  /** The worker entry for a bundled build; defaults to archive-extract-bootstrap.js beside this file. */
  extractWorkerEntry?: URL;
}

export function defaultModelStoreConfig(dir: string, appRoot: string): ModelStoreConfig {
  return { dir, appRoot, retries: 3, retryDelayMs: 1000, download: defaultDownloadTuning(), extractIn: 'worker' };
}

export function validateModelStoreConfig(config: ModelStoreConfig): ModelStoreConfig {
  const bad = (m: string): never => {
    throw new AsrError(ErrorCode.InvalidConfig, `model store: ${m}`);
  };
  if (!config.dir || !path.isAbsolute(config.dir)) bad(`dir must be an absolute path (got '${config.dir}')`);
  if (!config.appRoot || !path.isAbsolute(config.appRoot)) bad(`appRoot must be an absolute path (got '${config.appRoot}')`);
  if (!Number.isInteger(config.retries) || config.retries < 0 || config.retries > 100) bad('retries must be an integer in 0..100');
  if (!Number.isFinite(config.retryDelayMs) || config.retryDelayMs < 0) bad('retryDelayMs must be >= 0');
  const d = config.download;
  if (!Number.isInteger(d.maxRedirects) || d.maxRedirects < 0 || d.maxRedirects > 50) bad('download.maxRedirects must be an integer in 0..50');
  if (!(d.stallTimeoutMs >= 1)) bad('download.stallTimeoutMs must be >= 1');
  if (!(d.progressIntervalMs >= 0)) bad('download.progressIntervalMs must be >= 0');
  if (!d.userAgent) bad('download.userAgent must not be empty');
  if (config.extractIn !== 'worker' && config.extractIn !== 'inline') bad(`extractIn must be 'worker' or 'inline' (got '${config.extractIn}')`);
  return config;
}

const DOWNLOADS = '.downloads';
const STAGING = '.staging';
const LEDGER = '.checksums.json';

/**
 * The user's model folder: lists catalog and hand-added models with their state, downloads
 * (resumable, verified, unpacked atomically), verifies and removes them. One instance per
 * process; the Electron main process and the CLI both build one and inject it.
 *
 *   DIR/NAME/                      an installed model (+ earshot-model.json manifest)
 *   DIR/.downloads/NAME.tar.bz2.partial   an interrupted download
 *   DIR/.downloads/NAME.tar.bz2    a kept archive (--keep-archive)
 *   DIR/.downloads/NAME.lock       pid of the process pulling NAME
 *   DIR/.staging/                  unpacking in progress (never looked at as a model)
 *   DIR/.checksums.json            SHA-256 recorded at the first download of unpinned archives
 */
export class ModelStore {
  private readonly active = new Set<string>();
  private readonly ledger: ChecksumLedger;

  constructor(
    private readonly catalog: ModelCatalog,
    readonly config: ModelStoreConfig,
  ) {
    validateModelStoreConfig(config);
    this.ledger = new ChecksumLedger(path.join(config.dir, LEDGER));
  }

  get dir(): string {
    return this.config.dir;
  }

  /** Catalog models first (in catalog order), then folders the user added. */
  async list(): Promise<ModelStatus[]> {
    const out: ModelStatus[] = [];
    for (const entry of this.catalog.models) out.push(await this.statusOf(entry));
    const known = new Set(this.catalog.models.map((m) => m.name));
    for (const name of await this.folders()) {
      if (known.has(name)) continue;
      out.push({
        name,
        title: name,
        family: null,
        engineSupported: false,
        languages: [],
        state: 'installed',
        path: this.installedPath(name),
        complete: true,
        sizeBytes: null,
        sizeApprox: false,
        partialBytes: 0,
        license: null,
        notes: 'added by hand (not in the catalog); the engine detects its family from the files',
        custom: true,
      });
    }
    return out;
  }

  async status(name: string): Promise<ModelStatus> {
    const found = (await this.list()).find((m) => m.name === name);
    if (!found) findModel(this.catalog, name); // throws the catalog's "unknown model" error
    return found as ModelStatus;
  }

  /** The folder to load for `name`, for "select active model"; throws if it is not usable yet. */
  async resolve(name: string): Promise<string> {
    const s = await this.status(name);
    if (!s.path || !s.complete) {
      throw new AsrError(ErrorCode.ModelNotFound, `model '${name}' is ${s.state === 'bundled' ? 'bundled but its files are missing' : s.state}; run: earshot models pull ${name}`);
    }
    return s.path;
  }

  /** Downloads, verifies and installs a catalog model; resumes a partial download. */
  async pull(name: string, options: PullOptions = {}): Promise<ModelStatus> {
    const entry = findModel(this.catalog, name);
    if (entry.bundled) throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' ships with Earshot; there is nothing to download`);
    if (this.active.has(name)) throw new DownloadError(`model '${name}' is already being downloaded`, { resumable: false });
    this.active.add(name);
    try {
      await mkdir(path.join(this.dir, DOWNLOADS), { recursive: true });
      const release = await acquireDownloadLock(path.join(this.dir, DOWNLOADS, `${name}.lock`), name);
      try {
        await this.install(entry, options);
      } finally {
        await release();
      }
      return await this.statusOf(entry);
    } finally {
      this.active.delete(name);
    }
  }

  /** Rechecks an installed (or bundled) model against what was recorded at install time. */
  async verify(name: string, signal?: AbortSignal): Promise<VerifyReport> {
    const status = await this.status(name);
    const report: VerifyReport = { name, ok: true, checked: [], filesChecked: 0, problems: [] };
    if (!status.path) {
      report.ok = false;
      report.problems.push(status.state === 'partial' ? 'only partly downloaded; run pull again to resume' : 'not installed');
      return report;
    }
    const entry = this.catalog.models.find((m) => m.name === name);
    if (entry) {
      report.checked.push('files');
      report.problems.push(...(await missingFiles(status.path, entry)).map((f) => `${f}: missing (named in the catalog)`));
    }
    const manifest = await readManifest(status.path);
    if (manifest === 'damaged') {
      report.problems.push('earshot-model.json is damaged; pull the model again');
    } else if (manifest) {
      report.checked.push('manifest');
      report.filesChecked = manifest.files.length;
      report.problems.push(...(await checkManifestFiles(status.path, manifest, signal)));
      const archive = this.archivePath(name);
      if (manifest.archive_sha256 && (await exists(archive))) {
        report.checked.push('archive');
        const actual = await sha256File(archive, signal);
        if (actual !== manifest.archive_sha256) report.problems.push(`kept archive: SHA-256 ${actual}, expected ${manifest.archive_sha256}`);
      }
    } else if (status.state === 'installed' && !status.custom) {
      report.problems.push('no earshot-model.json (not installed by earshot models pull); nothing to check the files against');
    }
    report.ok = report.problems.length === 0;
    return report;
  }

  /** Deletes an installed model, its partial download and kept archive. The bundled model stays. */
  async remove(name: string): Promise<void> {
    if (!MODEL_NAME.test(name)) throw new AsrError(ErrorCode.ModelNotFound, `'${name}' is not a model name`);
    const entry = this.catalog.models.find((m) => m.name === name);
    if (entry?.bundled) throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' ships with Earshot and cannot be removed`);
    if (this.active.has(name)) throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' is being downloaded; cancel it first`);
    const targets = [this.installedPath(name), this.partialPath(name), this.archivePath(name)];
    const present = await Promise.all(targets.map(exists));
    if (!present.some(Boolean)) throw new AsrError(ErrorCode.ModelNotFound, `model '${name}' is not installed in ${this.dir}`);
    // Move aside first so a crash never leaves a half-deleted folder that still looks installed.
    const installed = targets[0];
    if (present[0]) {
      const trash = path.join(this.dir, STAGING, `${name}.removing-${randomBytes(4).toString('hex')}`);
      await mkdir(path.dirname(trash), { recursive: true });
      await rename(installed, trash);
      await rm(trash, { recursive: true, force: true });
    }
    await rm(targets[1], { force: true });
    await rm(targets[2], { force: true });
  }

  private async install(entry: CatalogEntry, options: PullOptions): Promise<void> {
    const { signal, onProgress } = options;
    const url = entry.url as string;
    const recorded = entry.sha256 ? undefined : await this.ledger.get(url);
    const expected = entry.sha256 ?? recorded?.sha256 ?? null;
    const source = entry.sha256 ? `the catalog: ${entry.sha256_source}` : recorded ? `your first download on ${recorded.first_seen}` : undefined;
    await mkdir(path.join(this.dir, DOWNLOADS), { recursive: true });

    const archive = this.archivePath(entry.name);
    let sha256: string;
    let bytes: number;
    if (expected && (await exists(archive)) && (await sha256File(archive, signal)) === expected) {
      bytes = (await stat(archive)).size; // a kept archive that still verifies: no need to download again
      sha256 = expected;
    } else {
      await this.checkFreeSpace(entry);
      ({ sha256, bytes } = await this.downloadWithRetries(entry, expected, source, options));
    }

    const staging = path.join(this.dir, STAGING, `${entry.name}-${randomBytes(4).toString('hex')}`);
    try {
      const extract = this.config.extractIn === 'worker' ? extractInWorker : extractTarBz2;
      await extract(archive, staging, {
        signal,
        entry: this.config.extractWorkerEntry,
        progressIntervalMs: this.config.download.progressIntervalMs,
        onProgress: (p) => onProgress?.({ name: entry.name, phase: 'extract', bytes: p.bytes, total: p.total, rate: 0, attempt: 1 }),
      });
      const root = path.join(staging, entry.archive_root as string);
      if (!(await isDirectory(root))) {
        throw new AsrError(ErrorCode.ModelInvalid, `the archive of '${entry.name}' has no folder ${entry.archive_root}`);
      }
      const missing = await missingFiles(root, entry);
      if (missing.length > 0) throw new AsrError(ErrorCode.ModelInvalid, `the archive of '${entry.name}' lacks ${missing.join(', ')}`);
      const files = await hashTree(root, signal, (bytes, total) =>
        onProgress?.({ name: entry.name, phase: 'verify', bytes, total, rate: 0, attempt: 1 }),
      );
      const manifest: ModelManifest = {
        version: 1,
        name: entry.name,
        url,
        archive_sha256: sha256,
        archive_sha256_source: entry.sha256 ? 'catalog' : recorded ? 'recorded' : 'first-download',
        archive_bytes: bytes,
        installed_at: new Date().toISOString(),
        files,
      };
      await writeManifest(root, manifest);
      await this.swapIn(entry.name, root);
      if (!entry.sha256) await this.ledger.record(url, sha256, bytes);
    } catch (err) {
      // An archive that cannot be unpacked is bad: delete it so the next pull fetches it afresh.
      if (!(err instanceof DownloadCancelledError)) await rm(archive, { force: true });
      throw err;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    if (!options.keepArchive) await rm(archive, { force: true });
  }

  private async downloadWithRetries(entry: CatalogEntry, expected: string | null, source: string | undefined, options: PullOptions) {
    const { signal, onProgress } = options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await downloadFile(
          {
            url: entry.url as string,
            partialPath: this.partialPath(entry.name),
            destPath: this.archivePath(entry.name),
            expectedSha256: expected,
            checksumSource: source,
            expectedSize: entry.size_bytes,
            signal,
            onProgress: (p) => onProgress?.({ name: entry.name, phase: 'download', bytes: p.bytes, total: p.total, rate: p.rate, attempt }),
          },
          this.config.download,
        );
      } catch (err) {
        if (!(err instanceof DownloadError) || !err.resumable || attempt > this.config.retries) throw err;
        try {
          await sleep(this.config.retryDelayMs * 2 ** (attempt - 1), undefined, { signal });
        } catch {
          throw new DownloadCancelledError();
        }
      }
    }
  }

  /** Refuses to start when the archive and its unpacked copy cannot both fit (they coexist until the archive is deleted). */
  private async checkFreeSpace(entry: CatalogEntry): Promise<void> {
    if (!entry.size_bytes) return;
    const partial = await sizeOrZero(this.partialPath(entry.name));
    // bzip2 barely shrinks model weights: the unpacked folder is about the archive's size.
    const needed = Math.max(0, entry.size_bytes - partial) + Math.ceil(entry.size_bytes * 1.1);
    let available: number;
    try {
      const fs = await statfs(this.dir);
      available = fs.bavail * fs.bsize;
    } catch {
      return; // statfs unsupported here: let the write fail with its own error if the disk fills
    }
    if (available < needed) {
      const mb = (n: number) => `${Math.ceil(n / 1e6)} MB`;
      throw new DownloadError(`installing '${entry.name}' needs about ${mb(needed)} free in ${this.dir}; only ${mb(available)} available`, { resumable: false });
    }
  }

  /** Puts a fully unpacked folder in place with renames only; an older copy is moved out first. */
  private async swapIn(name: string, ready: string): Promise<void> {
    const target = this.installedPath(name);
    if (await exists(target)) {
      const old = path.join(this.dir, STAGING, `${name}.old-${randomBytes(4).toString('hex')}`);
      await rename(target, old);
      await rename(ready, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(ready, target);
    }
  }

  private async statusOf(entry: CatalogEntry): Promise<ModelStatus> {
    const base = {
      name: entry.name,
      title: entry.title,
      family: entry.family,
      engineSupported: entry.engine_support === 'supported',
      languages: entry.languages,
      sizeBytes: entry.size_bytes,
      sizeApprox: entry.size_approx,
      license: entry.license,
      notes: entry.notes,
      custom: false,
    };
    if (entry.bundled) {
      const dir = path.resolve(this.config.appRoot, entry.path as string);
      return { ...base, state: 'bundled', path: dir, complete: (await missingFiles(dir, entry)).length === 0, partialBytes: 0 };
    }
    const dir = this.installedPath(entry.name);
    const partialBytes = await sizeOrZero(this.partialPath(entry.name));
    if (await isDirectory(dir)) {
      return { ...base, state: 'installed', path: dir, complete: (await missingFiles(dir, entry)).length === 0, partialBytes };
    }
    return { ...base, state: partialBytes > 0 ? 'partial' : 'not-installed', path: null, complete: false, partialBytes };
  }

  private async folders(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && MODEL_NAME.test(e.name)).map((e) => e.name).sort();
    } catch {
      return [];
    }
  }

  private installedPath(name: string): string {
    return path.join(this.dir, name);
  }

  private partialPath(name: string): string {
    return path.join(this.dir, DOWNLOADS, `${name}.tar.bz2.partial`);
  }

  private archivePath(name: string): string {
    return path.join(this.dir, DOWNLOADS, `${name}.tar.bz2`);
  }
}

/** Catalog files (all variants) absent from `dir`. */
async function missingFiles(dir: string, entry: CatalogEntry): Promise<string[]> {
  const wanted = new Set([...Object.values(entry.files), ...Object.values(entry.variants ?? {}).flatMap((v) => Object.values(v))]);
  const missing: string[] = [];
  for (const f of wanted) if (!(await exists(path.join(dir, f)))) missing.push(f);
  return missing;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function sizeOrZero(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}
