import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { HandshakeAuthenticator } from '../auth/handshake-auth.ts';
import { GatewayServer } from '../gateway/gateway-server.ts';
import { ServingMetrics } from '../metrics.ts';
import { validateServingConfig, type ServingConfig } from '../serving-config.ts';
import { RedisTransport } from '../transport/redis-transport.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import { GatewayLink, type GatewayLinkConfig } from './gateway-link.ts';
import { RedisAdmissionControl } from './redis-admission-control.ts';

export interface ClusterGatewayOptions {
  link: GatewayLinkConfig;
  logger: Logger;
  registry?: Registry;
  auth?: HandshakeAuthenticator;
  /** PEM certificate and key: wss/https. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Sessions fail with ASR_ERR_WORKER_FAILED after this long without any live worker. */
  noWorkerTimeoutMs?: number;
}

export interface ClusterGateway {
  gateway: GatewayServer;
  transport: RedisTransport;
  link: GatewayLink;
  metrics: ServingMetrics;
  clusterMetrics: ClusterMetrics;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Composition root of `earshot gateway`: the same GatewayServer as `earshot serve`, with the
 * Redis transport and the global admission control in place of the in-process ones.
 */
export async function startClusterGateway(config: ServingConfig, options: ClusterGatewayOptions): Promise<ClusterGateway> {
  validateServingConfig(config);
  const registry = options.registry ?? new Registry();
  const metrics = new ServingMetrics(registry);
  const clusterMetrics = new ClusterMetrics(registry);
  const link = new GatewayLink(options.link, options.logger, clusterMetrics);
  const transport = new RedisTransport(link, options.logger, { noWorkerTimeoutMs: options.noWorkerTimeoutMs ?? 30_000 });
  const admission = new RedisAdmissionControl(link, config.maxWaiting, options.logger, config.initialSessionEstimateMs);
  const gateway = new GatewayServer({ config, transport, admission, logger: options.logger, metrics, auth: options.auth, tls: options.tls });
  await transport.start();
  let listening: { port: number; url: string };
  try {
    listening = await gateway.listen();
  } catch (err) {
    await transport.close();
    throw err;
  }
  metrics.capacity.set(transport.capacity);
  return {
    gateway,
    transport,
    link,
    metrics,
    clusterMetrics,
    port: listening.port,
    url: listening.url,
    async close() {
      await gateway.shutdown();
      await transport.close();
    },
  };
}
