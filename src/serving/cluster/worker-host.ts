import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { EndpointConfig } from '../../engine/recognizer-api.ts';
import { Registry } from 'prom-client';
import { ServingMetrics } from '../metrics.ts';
import { validatePoolConfig, type PoolConfig } from '../serving-config.ts';
import { InProcessTransport } from '../transport/in-process-transport.ts';
import { ClusterMetrics } from './cluster-metrics.ts';
import { ClusterWorker, type ClusterWorkerConfig } from './cluster-worker.ts';

export interface WorkerHostOptions {
  pool: PoolConfig;
  /** Real-time streams this worker admits; 'auto' measures batched decoding at start-up. */
  capacity: number | 'auto';
  calibrationHeadroom: number;
  cluster: ClusterWorkerConfig;
  /** Endpoint rules; undefined = the engine's (sherpa-onnx's) defaults. */
  endpoint?: EndpointConfig;
  logger: Logger;
  /** /metrics, /healthz, /readyz on this port; undefined = no HTTP server. 0 picks a free port. */
  metricsPort?: number;
  metricsHost?: string;
  registry?: Registry;
}

export interface WorkerHost {
  worker: ClusterWorker;
  /** Port of the metrics server, if any. */
  metricsPort?: number;
  /** Graceful: no new sessions; current ones finish for up to graceMs, the rest move to other workers. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Composition root of `earshot worker`: the in-process worker pool (batched decoding in worker
 * threads, the same scheduler as `earshot serve`) bridged to Redis by a ClusterWorker.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  validatePoolConfig(options.pool);
  const registry = options.registry ?? new Registry();
  const metrics = new ServingMetrics(registry);
  const clusterMetrics = new ClusterMetrics(registry);
  const local = new InProcessTransport({ pool: options.pool, capacity: options.capacity, calibrationHeadroom: options.calibrationHeadroom, logger: options.logger, metrics, endpoint: options.endpoint });
  const worker = new ClusterWorker(options.cluster, local, options.logger, clusterMetrics);
  let server: Server | undefined;
  let metricsPort: number | undefined;
  if (options.metricsPort !== undefined) {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
          () => res.writeHead(500).end(),
        );
      } else if (path === '/healthz') res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
      else if (path === '/readyz') {
        const ready = worker.capacity > 0;
        res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ready, worker: worker.id, sessions: worker.sessionCount, capacity: worker.capacity }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.metricsPort, options.metricsHost ?? '0.0.0.0', () => resolve());
    });
    metricsPort = (server.address() as AddressInfo).port;
  }
  try {
    await worker.start();
  } catch (err) {
    server?.close();
    await local.close().catch(() => undefined);
    throw err;
  }
  metrics.capacity.set(worker.capacity);
  return {
    worker,
    metricsPort,
    async close(graceMs = 0) {
      await worker.drain(graceMs);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
