import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { HandshakeAuthenticator } from './auth/handshake-auth.ts';
import { GatewayServer } from './gateway/gateway-server.ts';
import { ServingMetrics } from './metrics.ts';
import { validateServingConfig, type ServingConfig } from './serving-config.ts';
import type { TransportInfo } from './transport/inference-transport.ts';
import { InProcessTransport } from './transport/in-process-transport.ts';

export interface LocalServer {
  gateway: GatewayServer;
  transport: InProcessTransport;
  metrics: ServingMetrics;
  info: TransportInfo;
  port: number;
  /** ws://host:port/v1/listen */
  url: string;
  /** Graceful: finishes in-flight utterances within the configured grace, then stops the workers. */
  close(): Promise<void>;
}

export interface LocalServerOptions {
  logger: Logger;
  registry?: Registry;
  auth?: HandshakeAuthenticator;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** For bundled builds (electron-vite): the compiled worker entry. */
  workerEntry?: URL;
}

/**
 * Composition root of a single-machine server (`earshot serve`, embedded `earshot transcribe`,
 * the desktop app): gateway + admission + in-process worker pool, one metrics registry.
 */
export async function startLocalServer(config: ServingConfig, options: LocalServerOptions): Promise<LocalServer> {
  validateServingConfig(config);
  const metrics = new ServingMetrics(options.registry ?? new Registry());
  const transport = new InProcessTransport({
    pool: config.pool,
    capacity: config.capacity,
    calibrationHeadroom: config.calibrationHeadroom,
    logger: options.logger,
    metrics,
    workerEntry: options.workerEntry,
  });
  const gateway = new GatewayServer({ config, transport, logger: options.logger, metrics, auth: options.auth, tls: options.tls });
  const { port, url } = await gateway.listen();
  let info: TransportInfo;
  try {
    info = await transport.start();
  } catch (err) {
    await gateway.shutdown(0);
    await transport.close();
    throw err;
  }
  return {
    gateway,
    transport,
    metrics,
    info,
    port,
    url,
    async close() {
      await gateway.shutdown();
      await transport.close();
    },
  };
}
