import { AsrError, isAsrError } from '../../shared/errors.ts';
import type { ModelDownloadProgress, ModelInfo } from '../../shared/ipc-contract.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** A model as the model manager (serving's ModelStore) reports it; structural, so main does not depend on its internals. */
export interface ModelSourceEntry {
  name: string;
  title: string;
  languages: string[];
  state: 'bundled' | 'installed' | 'partial' | 'not-installed';
  /** Folder to hand to the engine when bundled or installed. */
  path: string | null;
  sizeBytes: number | null;
  engineSupported: boolean;
  notes?: string | null;
}

export interface ModelSource {
  list(): Promise<ModelSourceEntry[]>;
  pull(
    name: string,
    options: { signal?: AbortSignal; onProgress?: (p: { phase: string; bytes: number; total: number | null }) => void },
  ): Promise<unknown>;
  /** Deletes an installed model's files (serving's ModelStore.remove, as `earshot models rm`). */
  remove(name: string): Promise<void>;
}

/** Model list, selection and downloads for the desktop UI, with progress pushed as events. */
export class DesktopModels {
  readonly #source: ModelSource;
  readonly #emit: (p: ModelDownloadProgress) => void;
  readonly #now: () => number;
  readonly #downloads = new Map<string, AbortController>();

  readonly #onInstalled: (name: string) => Promise<unknown>;
  readonly #onRemoved: (name: string) => unknown;

  constructor(
    source: ModelSource,
    emit: (p: ModelDownloadProgress) => void,
    options: { now?: () => number; onInstalled?: (name: string) => Promise<unknown>; onRemoved?: (name: string) => unknown } = {},
  ) {
    this.#source = source;
    this.#emit = emit;
    this.#now = options.now ?? Date.now;
    this.#onInstalled = options.onInstalled ?? (async () => undefined);
    this.#onRemoved = options.onRemoved ?? (() => undefined);
  }

  async list(activeName: string): Promise<ModelInfo[]> {
    return (await this.#source.list())
      .filter((m) => m.engineSupported)
      .map((m) => ({
        name: m.name,
        description: m.notes ? `${m.title}. ${m.notes}` : m.title,
        language: m.languages.join(', '),
        sizeBytes: m.sizeBytes ?? 0,
        builtin: m.state === 'bundled',
        installed: (m.state === 'bundled' || m.state === 'installed') && m.path !== null,
        active: m.name === activeName,
      }));
  }

  /** The folder of an installed model, for the engine; ModelNotFound otherwise. */
  async resolve(name: string): Promise<string> {
    const entry = (await this.#source.list()).find((m) => m.name === name);
    if (!entry) throw new AsrError(ErrorCode.ModelNotFound, `unknown model '${name}'`);
    if (!entry.engineSupported) throw new AsrError(ErrorCode.ModelInvalid, `model '${name}' is not supported by this engine`);
    if ((entry.state !== 'bundled' && entry.state !== 'installed') || entry.path === null) {
      throw new AsrError(ErrorCode.ModelNotFound, `model '${name}' is not installed; download it first`);
    }
    return entry.path;
  }

  /**
   * Deletes a downloaded model. Refuses (ASR_ERR_INVALID_CONFIG) the shipped model, the active
   * one (the engine may have its files open; the user selects another first) and one being
   * downloaded; ASR_ERR_MODEL_NOT_FOUND when nothing of it is on disk.
   */
  async remove(name: string, activeName: string): Promise<void> {
    if (this.#downloads.has(name)) throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' is being downloaded; cancel the download first`);
    const entry = (await this.#source.list()).find((m) => m.name === name);
    if (entry?.state === 'bundled') throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' ships with Earshot and cannot be deleted`);
    if (name === activeName) {
      throw new AsrError(ErrorCode.InvalidConfig, `model '${name}' is the active model; select another model before deleting it`);
    }
    await this.#source.remove(name);
    await this.#onRemoved(name);
  }

  isDownloading(name: string): boolean {
    return this.#downloads.has(name);
  }

  /**
   * Starts a download in the background (a second call for the same model is a no-op);
   * progress, completion and failure arrive as events.
   */
  download(name: string): void {
    if (this.#downloads.has(name)) return;
    const controller = new AbortController();
    this.#downloads.set(name, controller);
    let last = 0;
    let lastState: ModelDownloadProgress['state'] = 'downloading';
    let received = 0;
    let total = 0;
    const emit = (state: ModelDownloadProgress['state'], extra: Partial<ModelDownloadProgress> = {}) =>
      this.#emit({ name, state, receivedBytes: received, totalBytes: total, ...extra });
    emit('downloading');
    void this.#source
      .pull(name, {
        signal: controller.signal,
        onProgress: (p) => {
          // Unpacking and checking count other bytes; the bar keeps showing the download.
          if (p.phase === 'download') {
            received = p.bytes;
            total = p.total ?? 0;
          }
          const state = p.phase === 'download' ? 'downloading' : 'verifying';
          const now = this.#now();
          // A few updates a second are enough for a progress bar; a change of state always goes out.
          if (state === lastState && now - last < 200) return;
          last = now;
          lastState = state;
          emit(state);
        },
      })
      // Recording is bookkeeping: a failure there must not turn a good download into a failed one.
      .then(() => this.#onInstalled(name).catch(() => undefined))
      .then(
        () => emit('done', { receivedBytes: total || received }),
        (err: unknown) => {
          if (controller.signal.aborted) emit('canceled');
          else {
            const code = isAsrError(err) ? err.code : ErrorCode.Download;
            emit('failed', { error: { code, message: err instanceof Error ? err.message : String(err) } });
          }
        },
      )
      .finally(() => this.#downloads.delete(name));
  }

  cancel(name: string): void {
    this.#downloads.get(name)?.abort();
  }

  cancelAll(): void {
    for (const c of this.#downloads.values()) c.abort();
  }
}
