import { randomBytes } from 'node:crypto';
import { AsrError } from '../../shared/errors.ts';
import type { GatewayEndpoint } from '../../shared/ipc-contract.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { validateEndpointSettings, type Settings } from '../../shared/settings.ts';

/** A running local server as the desktop app needs it. */
export interface RunningServer {
  /** Where it listens, e.g. `ws://127.0.0.1:43817/v1/listen` (any path is dropped). */
  url: string;
  /** The execution provider the engine really uses (the GPU ones fall back to 'cpu'). */
  provider: string;
  close(): Promise<void>;
}

export interface ServerLaunch {
  /** Always 127.0.0.1: the embedded gateway is never reachable from the network. */
  host: '127.0.0.1';
  /** 0: the OS picks a free port. */
  port: 0;
  /** Clients must present it (Bearer header or ?token=). */
  token: string;
  modelDir: string;
  modelName: string;
  /** Execution providers the engine tries in order, then 'cpu' (see execution-providers.ts). */
  providers: string[];
}

/** Starts gateway + in-process worker pool (serving's startLocalServer in the app). */
export type ServerStarter = (launch: ServerLaunch) => Promise<RunningServer>;

/**
 * The app's own gateway on loopback with a per-launch random token; restarted with another
 * model when the user switches. The renderer reaches it exactly like a remote cluster.
 */
export class EmbeddedGateway {
  readonly #start: ServerStarter;
  readonly token: string;
  #server: RunningServer | undefined;
  #baseUrl: string | undefined;
  #model: { dir: string; name: string; provider: string } | undefined;

  constructor(start: ServerStarter, token: string = randomBytes(32).toString('base64url')) {
    if (token.length < 16) throw new AsrError(ErrorCode.InvalidConfig, 'the embedded gateway token needs at least 16 characters');
    this.#start = start;
    this.token = token;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  /** What the running engine loaded, with the execution provider it really uses. */
  get model(): { dir: string; name: string; provider: string } | undefined {
    return this.#model;
  }

  /**
   * Starts (or restarts with another model or providers). Returns the base URL, e.g.
   * `ws://127.0.0.1:43817`.
   */
  async start(modelDir: string, modelName: string, providers: string[] = ['cpu']): Promise<string> {
    await this.stop();
    const server = await this.#start({ host: '127.0.0.1', port: 0, token: this.token, modelDir, modelName, providers });
    const u = new URL(server.url);
    this.#server = server;
    this.#baseUrl = `${u.protocol}//${u.host}`;
    this.#model = { dir: modelDir, name: modelName, provider: server.provider };
    return this.#baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#baseUrl = undefined;
    this.#model = undefined;
    await server?.close();
  }

  /** The local endpoint; throws WorkerFailed while the engine is not running. */
  endpoint(): GatewayEndpoint {
    if (!this.#baseUrl) throw new AsrError(ErrorCode.WorkerFailed, 'the local engine is not running');
    return { url: this.#baseUrl, token: this.token, mode: 'local' };
  }
}

/** The endpoint the renderer must use under `settings`: the embedded gateway or the cluster. */
export function resolveEndpoint(settings: Settings, local: () => GatewayEndpoint): GatewayEndpoint {
  if (settings.engineMode === 'local') return local();
  validateEndpointSettings(settings);
  return { url: settings.remoteUrl.replace(/\/+$/, ''), token: settings.remoteToken, mode: 'remote' };
}
