import type { Logger } from 'pino';
import { StaticTokenAuthenticator } from '../../serving/auth/static-token-authenticator.ts';
import { startLocalServer } from '../../serving/local-server.ts';
import { defaultServingConfig, type ServingConfig } from '../../serving/serving-config.ts';
import type { ServerStarter } from './embedded-gateway.ts';

export interface LocalServerStarterOptions {
  logger: Logger;
  /** The compiled worker entry in a bundled app (electron-vite); the source one otherwise. */
  workerEntry?: URL;
}

/**
 * Serving config for one person's machine: one worker (dictation is one stream, and the rest of
 * the machine is the user's), a small fixed capacity instead of a start-up calibration, and no
 * compat endpoints. Host, port and model come from the launch. Beam search for every model:
 * with one stream, accuracy and the custom vocabulary (hotwords, which greedy search ignores)
 * are worth its extra CPU; a folder's token LM is used where it ships one.
 */
export function desktopServingConfig(modelDir: string, modelName: string, providers: string[] = ['cpu']): ServingConfig {
  const config = defaultServingConfig(modelDir);
  return {
    ...config,
    host: '127.0.0.1',
    port: 0,
    pool: { ...config.pool, modelName, providers, workers: 1, maxBatch: 4, decoding: 'modified_beam_search' },
    capacity: 2,
    maxWaiting: 8,
    maxConnections: 32,
    shutdownGraceMs: 2000,
    rootProtocol: 'none',
  };
}

/** The embedded gateway of the desktop app: serving's local server, locked with the launch token. */
export function localServerStarter(options: LocalServerStarterOptions): ServerStarter {
  return async (launch) => {
    const config = { ...desktopServingConfig(launch.modelDir, launch.modelName, launch.providers), host: launch.host, port: launch.port };
    const server = await startLocalServer(config, {
      logger: options.logger,
      auth: new StaticTokenAuthenticator(launch.token),
      workerEntry: options.workerEntry,
    });
    return { url: server.url, provider: server.info.providers[0] ?? 'unknown', close: () => server.close() };
  };
}
