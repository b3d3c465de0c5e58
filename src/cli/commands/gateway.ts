import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pino } from 'pino';
import type { HandshakeAuthenticator } from '../../serving/auth/handshake-auth.ts';
import { OpenAuthenticator } from '../../serving/auth/handshake-auth.ts';
import { OriginAllowList } from '../../serving/auth/origin-allow-list.ts';
import { QuotaAuthenticator } from '../../serving/auth/quota-authenticator.ts';
import { RedisStreamQuota } from '../../serving/auth/redis-stream-quota.ts';
import { RedisTokenAuthenticator } from '../../serving/auth/redis-token-authenticator.ts';
import { StaticTokenAuthenticator } from '../../serving/auth/static-token-authenticator.ts';
import { startClusterGateway } from '../../serving/cluster/cluster-gateway.ts';
import { defaultGatewayLinkConfig } from '../../serving/cluster/gateway-link.ts';
import { connectRedis, redactUrl } from '../../serving/cluster/redis-connection.ts';
import { ClusterKeys } from '../../serving/cluster/cluster-keys.ts';
import { defaultServingConfig } from '../../serving/serving-config.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

interface GatewayFlags {
  redisUrl: string;
  keyPrefix: string;
  host: string;
  port: number;
  modelName: string;
  maxWaiting: number;
  maxConnections: number;
  requireToken?: boolean;
  token?: string;
  allowOrigin?: string[];
  streamLeaseMs: number;
  tlsCert?: string;
  tlsKey?: string;
  gatewayId?: string;
  tickMs: number;
  ttlMs: number;
  noWorkerTimeoutMs: number;
  shutdownGraceMs: number;
  logLevel: string;
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AsrError(ErrorCode.InvalidConfig, `expected an integer >= 0, got '${value}'`);
  return n;
}

/** `earshot gateway`: a stateless gateway of a Redis cluster (any number behind a load balancer). */
export function gatewayCommand(program: Command): void {
  const defaults = defaultServingConfig();
  const link = defaultGatewayLinkConfig();
  program
    .command('gateway')
    .description('run a cluster gateway: protocol v1 (+ compat endpoints) in front of Redis and `earshot worker`s')
    .option('--redis-url <url>', 'Redis of the cluster (env REDIS_URL)', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--key-prefix <prefix>', 'prefix of every cluster key (env EARSHOT_KEY_PREFIX)', process.env.EARSHOT_KEY_PREFIX ?? 'earshot:')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '0.0.0.0')
    .option('--port <port>', 'port to listen on, 0 = any free one (env PORT)', intArg, Number(process.env.PORT ?? defaults.port))
    .option('--model-name <name>', 'model named in `ready` when the client asks for none', 'earshot-en-small')
    .option('--max-waiting <n>', 'sessions in the global waiting room before handshakes get 503', intArg, defaults.maxWaiting)
    .option('--max-connections <n>', 'open WebSockets on this gateway before handshakes get 503', intArg, defaults.maxConnections)
    .option('--require-token', 'accept only team tokens from `earshot tokens create` (401/403, per-token stream quota)')
    .option('--token <secret>', 'accept one shared secret instead (env EARSHOT_TOKEN)', process.env.EARSHOT_TOKEN)
    .option('--allow-origin <origins...>', 'browser origins allowed to connect (others get 403); * allows all')
    .option('--stream-lease-ms <ms>', 'safety TTL of a stream counted against a token quota (renewed while open)', intArg, 60_000)
    .option('--tls-cert <file>', 'PEM certificate: serve https/wss')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--gateway-id <id>', 'unique gateway id (default host-pid-random)')
    .option('--tick-ms <ms>', 'heartbeat / admission / queue-position period', intArg, link.tickMs)
    .option('--ttl-ms <ms>', 'a gateway silent this long is declared dead', intArg, link.ttlMs)
    .option('--no-worker-timeout-ms <ms>', 'fail sessions after this long with no live worker', intArg, 30_000)
    .option('--shutdown-grace-ms <ms>', 'on SIGTERM, time in-flight sessions get to finish', intArg, defaults.shutdownGraceMs)
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (flags: GatewayFlags) => {
      const logger = pino({ name: 'earshot-gateway', level: flags.logLevel }, pino.destination(2));
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new AsrError(ErrorCode.InvalidConfig, '--tls-cert and --tls-key go together');
      if (flags.requireToken && flags.token) throw new AsrError(ErrorCode.InvalidConfig, '--require-token and --token exclude each other');
      const config = {
        ...defaults,
        host: flags.host,
        port: flags.port,
        maxWaiting: flags.maxWaiting,
        maxConnections: flags.maxConnections,
        shutdownGraceMs: flags.shutdownGraceMs,
        pool: { ...defaults.pool, modelName: flags.modelName, modelDir: flags.modelName },
      };
      const keys = new ClusterKeys(flags.keyPrefix);
      let auth: HandshakeAuthenticator | undefined;
      let quota: RedisStreamQuota | undefined;
      let authRedis: Awaited<ReturnType<typeof connectRedis>> | undefined;
      if (flags.requireToken) {
        authRedis = await connectRedis({ url: flags.redisUrl, name: 'earshot-gateway-auth', failFast: true });
        quota = new RedisStreamQuota(authRedis, keys, flags.streamLeaseMs);
        auth = new QuotaAuthenticator(new RedisTokenAuthenticator(authRedis, keys), quota);
      } else if (flags.token) {
        auth = new StaticTokenAuthenticator(flags.token);
      }
      if (flags.allowOrigin?.length) auth = new OriginAllowList(flags.allowOrigin, auth ?? new OpenAuthenticator());
      const tls = flags.tlsCert && flags.tlsKey ? { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } : undefined;
      const cluster = await startClusterGateway(config, {
        link: { ...link, redisUrl: flags.redisUrl, keyPrefix: flags.keyPrefix, tickMs: flags.tickMs, ttlMs: flags.ttlMs, gatewayId: flags.gatewayId ?? link.gatewayId },
        logger,
        auth,
        tls,
        noWorkerTimeoutMs: flags.noWorkerTimeoutMs,
      });
      const renew = quota && setInterval(() => void quota.renew().catch(() => undefined), Math.max(1000, Math.floor(flags.streamLeaseMs / 3)));
      const url = tls ? cluster.url.replace(/^ws:/, 'wss:') : cluster.url;
      logger.info({ url, gateway: cluster.link.id, redis: redactUrl(flags.redisUrl), auth: flags.requireToken ? 'tokens' : flags.token ? 'shared-secret' : 'none' }, 'gateway listening');
      // One line on stdout for scripts and tests: where to connect.
      process.stdout.write(`${JSON.stringify({ event: 'listening', url, port: cluster.port, gateway: cluster.link.id })}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          logger.info('shutting down');
          clearInterval(renew);
          cluster
            .close()
            .catch((err) => logger.error({ err: String(err) }, 'shutdown failed'))
            .finally(() => {
              authRedis?.disconnect();
              resolve();
            });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
