import type { Command } from 'commander';
import { pino } from 'pino';
import { DEFAULT_ENDPOINT_CONFIG } from '../../engine/endpoint.ts';
import type { CarryStates, EncoderBinding } from '../../engine/model/session-factory.ts';
import { defaultClusterWorkerConfig } from '../../serving/cluster/cluster-worker.ts';
import { startWorkerHost } from '../../serving/cluster/worker-host.ts';
import { redactUrl } from '../../serving/cluster/redis-connection.ts';
import { defaultPoolConfig, defaultServingConfig, type PoolDecoding } from '../../serving/serving-config.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { intArg } from './gateway.ts';

interface WorkerFlags {
  redisUrl: string;
  keyPrefix: string;
  model: string;
  modelName?: string;
  capacity: string;
  calibrationHeadroom: number;
  maxBatch: number;
  threads: number;
  workers: number;
  providers: string[];
  encoderBinding: string;
  carryStates: string;
  decoding: string;
  beam: number;
  maxSessions: number;
  heartbeatMs: number;
  ttlMs: number;
  claimIdleMs: number;
  workerId?: string;
  metricsPort: number;
  metricsHost: string;
  drainGraceMs: number;
  rule1MinTrailingSilence: number;
  rule2MinTrailingSilence: number;
  rule3MinUtteranceLength: number;
  logLevel: string;
}

function secondsArg(value: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new AsrError(ErrorCode.InvalidConfig, `expected seconds >= 0, got '${value}'`);
  return n;
}

function capacityArg(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AsrError(ErrorCode.InvalidConfig, `--capacity must be 'auto' or an integer >= 1, got '${value}'`);
  return n;
}

/** `earshot worker`: loads a model and decodes cluster sessions from Redis, batched. */
export function workerCommand(program: Command): void {
  const pool = defaultPoolConfig(process.env.EARSHOT_MODEL ?? 'models/earshot-en-small');
  const cluster = defaultClusterWorkerConfig();
  program
    .command('worker')
    .description('run a cluster worker: decodes sessions from Redis with batched decoding')
    .option('--redis-url <url>', 'Redis of the cluster (env REDIS_URL)', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--key-prefix <prefix>', 'prefix of every cluster key (env EARSHOT_KEY_PREFIX)', process.env.EARSHOT_KEY_PREFIX ?? 'earshot:')
    .option('--model <dir>', 'model folder (env EARSHOT_MODEL)', pool.modelDir)
    .option('--model-name <name>', 'name clients ask for (default: the folder name)')
    .option('--capacity <n|auto>', "real-time streams this worker takes; 'auto' measures it at start-up", 'auto')
    .option('--calibration-headroom <f>', 'fraction of the measured throughput used as capacity', Number, defaultServingConfig().calibrationHeadroom)
    .option('--max-batch <n>', 'most streams in one batched decode call', intArg, pool.maxBatch)
    .option('--workers <n>', 'decoder threads, each with its own model session', intArg, pool.workers)
    .option('--threads <n>', 'intra-op threads per decoder, 0 = cores / workers', intArg, pool.threadsPerWorker)
    .option('--providers <list...>', 'execution providers tried in order, then cpu', pool.providers)
    .option('--encoder-binding <auto|native|onnxruntime-node>', "how the engine calls onnxruntime on the CPU (env EARSHOT_ENCODER_BINDING)", process.env.EARSHOT_ENCODER_BINDING ?? pool.encoderBinding)
    .option('--carry-states <auto|on|off>', "keep encoder states batched between calls, on the GPU with a GPU provider; 'auto': on for cpu only (env EARSHOT_CARRY_STATES)", process.env.EARSHOT_CARRY_STATES ?? pool.carryStates)
    .option('--decoding <auto|greedy_search|modified_beam_search>', "search: 'auto' uses beam search with the model folder's token LM (lm.json) where it has one (env EARSHOT_DECODING)", process.env.EARSHOT_DECODING ?? pool.decoding)
    .option('--beam <n>', 'paths kept by beam search', intArg, pool.beam)
    .option('--max-sessions <n>', 'sessions held at most (absorbs a dead worker\u2019s); 0 = 2 × capacity', intArg, cluster.maxSessions)
    .option('--heartbeat-ms <ms>', 'heartbeat and lease renewal period', intArg, cluster.heartbeatMs)
    .option('--ttl-ms <ms>', 'a worker silent this long is dead and its sessions move (failover time)', intArg, cluster.ttlMs)
    .option('--claim-idle-ms <ms>', 'take over assignments another worker read but never acknowledged after this long', intArg, cluster.claimIdleMs)
    .option('--worker-id <id>', 'unique worker id (default host-pid-random)')
    .option('--metrics-port <port>', '/metrics, /healthz, /readyz (env METRICS_PORT)', intArg, Number(process.env.METRICS_PORT ?? 9400))
    .option('--metrics-host <host>', 'address of the metrics server', '0.0.0.0')
    .option('--drain-grace-ms <ms>', 'on SIGTERM, time current sessions get before moving to other workers', intArg, 10_000)
    .option('--rule1-min-trailing-silence <s>', 'endpoint: silence that ends an utterance even without speech', secondsArg, DEFAULT_ENDPOINT_CONFIG.rule1.minTrailingSilence)
    .option('--rule2-min-trailing-silence <s>', 'endpoint: silence that ends an utterance after speech', secondsArg, DEFAULT_ENDPOINT_CONFIG.rule2.minTrailingSilence)
    .option('--rule3-min-utterance-length <s>', 'endpoint: longest utterance', secondsArg, DEFAULT_ENDPOINT_CONFIG.rule3.minUtteranceLength)
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .action(async (flags: WorkerFlags) => {
      const logger = pino({ name: 'earshot-worker', level: flags.logLevel }, pino.destination(2));
      const modelPool = defaultPoolConfig(flags.model);
      const host = await startWorkerHost({
        pool: {
          ...modelPool,
          modelName: flags.modelName ?? modelPool.modelName,
          maxBatch: flags.maxBatch,
          workers: flags.workers,
          threadsPerWorker: flags.threads,
          providers: flags.providers,
          encoderBinding: flags.encoderBinding as EncoderBinding,
          carryStates: flags.carryStates as CarryStates,
          decoding: flags.decoding as PoolDecoding,
          beam: flags.beam,
        },
        capacity: capacityArg(flags.capacity),
        endpoint: {
          ...DEFAULT_ENDPOINT_CONFIG,
          rule1: { ...DEFAULT_ENDPOINT_CONFIG.rule1, minTrailingSilence: flags.rule1MinTrailingSilence },
          rule2: { ...DEFAULT_ENDPOINT_CONFIG.rule2, minTrailingSilence: flags.rule2MinTrailingSilence },
          rule3: { ...DEFAULT_ENDPOINT_CONFIG.rule3, minUtteranceLength: flags.rule3MinUtteranceLength },
        },
        calibrationHeadroom: flags.calibrationHeadroom,
        cluster: {
          ...cluster,
          redisUrl: flags.redisUrl,
          keyPrefix: flags.keyPrefix,
          workerId: flags.workerId ?? cluster.workerId,
          maxSessions: flags.maxSessions,
          heartbeatMs: flags.heartbeatMs,
          ttlMs: flags.ttlMs,
          claimIdleMs: flags.claimIdleMs,
        },
        logger,
        metricsPort: flags.metricsPort,
        metricsHost: flags.metricsHost,
      });
      logger.info({ worker: host.worker.id, redis: redactUrl(flags.redisUrl), capacity: host.worker.capacity, metricsPort: host.metricsPort }, 'worker up');
      process.stdout.write(`${JSON.stringify({ event: 'ready', worker: host.worker.id, capacity: host.worker.capacity, metricsPort: host.metricsPort })}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          logger.info({ graceMs: flags.drainGraceMs }, 'draining');
          host
            .close(flags.drainGraceMs)
            .catch((err) => logger.error({ err: String(err) }, 'shutdown failed'))
            .finally(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
