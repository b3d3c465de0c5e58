import { isAsrError } from '../../shared/errors.ts';
import type { EngineStatus } from '../../shared/ipc-contract.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ExecutionProvider } from '../../shared/settings.ts';
import type { EmbeddedGateway } from './embedded-gateway.ts';
import { executionProvidersFor, isGpuFallback } from './execution-providers.ts';

export interface LocalEngineOptions {
  gateway: EmbeddedGateway;
  /** The folder of an installed model; rejects (ModelNotFound…) otherwise. */
  resolveModel(name: string): Promise<string>;
  /** The shipped model, loaded when the selected one is unavailable. */
  fallbackModel: string;
  /** Called on every state change (pushed to the renderer as `engineStatus`). */
  onStatus(status: EngineStatus): void;
  platform?: NodeJS.Platform;
  log?: (message: string, err?: unknown) => void;
}

/**
 * The desktop's local engine: which model and execution provider the embedded gateway runs,
 * and what it really got (a GPU request may end up on the CPU). Starts, restarts and stops
 * run one after another, so overlapping requests never leave two servers running.
 */
export class LocalEngine {
  readonly #o: LocalEngineOptions;
  #status: EngineStatus = { state: 'stopped', requestedProvider: 'cpu', gpuFallback: false };
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LocalEngineOptions) {
    this.#o = options;
  }

  get running(): boolean {
    return this.#o.gateway.running;
  }

  status(): EngineStatus {
    return { ...this.#status };
  }

  /** Loads `model` (the shipped one when it is not usable) on `provider`; restarts if running. */
  start(model: string, provider: ExecutionProvider): Promise<void> {
    return this.#serial(async () => {
      let name = model;
      let dir: string;
      try {
        dir = await this.#o.resolveModel(name);
      } catch (err) {
        this.#o.log?.(`model '${name}' unavailable, using ${this.#o.fallbackModel}`, err);
        name = this.#o.fallbackModel;
        dir = await this.#o.resolveModel(name);
      }
      await this.#run(name, dir, provider);
    }, provider);
  }

  /** Restarts on an installed model the caller already resolved (selecting a model); failures reject. */
  switchModel(name: string, dir: string, provider: ExecutionProvider): Promise<void> {
    return this.#serial(() => this.#run(name, dir, provider), provider);
  }

  stop(): Promise<void> {
    return this.#serial(async () => {
      await this.#o.gateway.stop();
      this.#set({ state: 'stopped', requestedProvider: this.#status.requestedProvider, gpuFallback: false });
    }, this.#status.requestedProvider);
  }

  async #run(name: string, dir: string, provider: ExecutionProvider): Promise<void> {
    this.#set({ state: 'starting', model: name, requestedProvider: provider, gpuFallback: false });
    await this.#o.gateway.start(dir, name, executionProvidersFor(provider, this.#o.platform));
    const inUse = this.#o.gateway.model?.provider ?? 'unknown';
    this.#set({ state: 'running', model: name, requestedProvider: provider, provider: inUse, gpuFallback: isGpuFallback(provider, inUse) });
  }

  #serial(op: () => Promise<void>, provider: ExecutionProvider): Promise<void> {
    const next = this.#queue.then(op).catch((err: unknown) => {
      const code = isAsrError(err) ? err.code : ErrorCode.WorkerFailed;
      this.#set({
        state: 'failed',
        model: this.#status.model,
        requestedProvider: provider,
        gpuFallback: false,
        error: { code, message: err instanceof Error ? err.message : String(err) },
      });
      throw err;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #set(status: EngineStatus): void {
    this.#status = status;
    this.#o.onStatus(this.status());
  }
}
