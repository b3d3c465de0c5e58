import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { pino } from 'pino';
import { StaticTokenAuthenticator } from '../../serving/auth/static-token-authenticator.ts';
import { RECOGNIZER_ENGINES, type RecognizerEngine } from '../../engine/recognizer-engines.ts';
import type { CarryStates, EncoderBinding } from '../../engine/model/session-factory.ts';
import { startLocalServer } from '../../serving/local-server.ts';
import { defaultServingConfig, withSerialMode, type PoolDecoding, type RootProtocol, type ServingConfig } from '../../serving/serving-config.ts';
import { searchDescription } from '../../serving/transport/in-process-transport.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** The shipped default model and the built web UI, relative to the package (not the cwd). */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/earshot-en-small', import.meta.url));
const WEB_ROOT = fileURLToPath(new URL('../../../out/web', import.meta.url));

export interface ServeFlags {
  host: string;
  port: number;
  model: string;
  engine: string;
  workers?: number;
  threads?: number;
  provider: string[];
  encoderBinding: string;
  carryStates: string;
  decoding: string;
  beam: number;
  maxBatch: number;
  loopIntervalMs: number;
  capacity: string;
  maxWaiting: number;
  maxConnections: number;
  token?: string;
  serial?: boolean;
  rootProtocol: string;
  webRoot?: string;
  tlsCert?: string;
  tlsKey?: string;
  shutdownGraceMs: number;
  logLevel: string;
}

function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AsrError(ErrorCode.InvalidConfig, `expected an integer >= 0, got '${value}'`);
  return n;
}

const env = process.env;

/** Flags (already merged with env defaults) → a validated-later ServingConfig. */
export function serveConfigFromFlags(flags: ServeFlags): ServingConfig {
  const base = defaultServingConfig(flags.model);
  let capacity: number | 'auto' = 'auto';
  if (flags.capacity !== 'auto') {
    capacity = Number(flags.capacity);
    if (!Number.isInteger(capacity) || capacity < 1) throw new AsrError(ErrorCode.InvalidConfig, `--capacity must be 'auto' or an integer >= 1, got '${flags.capacity}'`);
  }
  const config: ServingConfig = {
    ...base,
    host: flags.host,
    port: flags.port,
    capacity,
    maxWaiting: flags.maxWaiting,
    maxConnections: flags.maxConnections,
    shutdownGraceMs: flags.shutdownGraceMs,
    rootProtocol: flags.rootProtocol as RootProtocol,
    webRoot: flags.webRoot ?? (existsSync(WEB_ROOT) ? WEB_ROOT : undefined),
    pool: {
      ...base.pool,
      engine: flags.engine as RecognizerEngine,
      workers: flags.workers ?? base.pool.workers,
      threadsPerWorker: flags.threads ?? 0,
      providers: flags.provider,
      encoderBinding: flags.encoderBinding as EncoderBinding,
      carryStates: flags.carryStates as CarryStates,
      decoding: flags.decoding as PoolDecoding,
      beam: flags.beam,
      maxBatch: flags.maxBatch,
      loopIntervalMs: flags.loopIntervalMs,
    },
  };
  return flags.serial ? withSerialMode(config) : config;
}

/** `earshot serve`: gateway + local worker pool + the shipped model, on one port. */
export function serveCommand(program: Command): void {
  const d = defaultServingConfig();
  program
    .command('serve')
    .description('serve speech recognition on this machine: protocol v1 on /v1/listen, FunASR on /funasr, sherpa-onnx on /sherpa, /metrics, the web UI')
    .option('--host <host>', 'address to listen on (env EARSHOT_HOST)', env.EARSHOT_HOST ?? d.host)
    .option('--port <port>', 'port, 0 = any free one (env EARSHOT_PORT)', intOption, Number(env.EARSHOT_PORT ?? d.port))
    .option('--model <dir>', 'model folder (env EARSHOT_MODEL)', env.EARSHOT_MODEL ?? DEFAULT_MODEL_DIR)
    .option('--engine <name>', `recognizer implementation: ${RECOGNIZER_ENGINES.join(' or ')} (sherpa-onnx needs the sherpa-onnx-node devDependency; for benchmarks)`, d.pool.engine)
    .option('--workers <n>', 'worker threads, one model session each (env EARSHOT_WORKERS; default cores/2)', intOption, env.EARSHOT_WORKERS ? Number(env.EARSHOT_WORKERS) : undefined)
    .option('--threads <n>', 'intra-op threads per worker (default cores/workers)', intOption)
    .option('--provider <names...>', 'execution providers to try in order, then cpu (env EARSHOT_PROVIDER, comma-separated)', env.EARSHOT_PROVIDER?.split(',') ?? d.pool.providers)
    .option('--encoder-binding <auto|native|onnxruntime-node>', "how the engine calls onnxruntime on the CPU: 'native' keeps model states inside it (native/ort-values), 'auto' where built (env EARSHOT_ENCODER_BINDING)", env.EARSHOT_ENCODER_BINDING ?? d.pool.encoderBinding)
    .option('--carry-states <auto|on|off>', "keep encoder states batched between calls, on the GPU with a GPU provider; 'auto': on for cpu only (env EARSHOT_CARRY_STATES)", env.EARSHOT_CARRY_STATES ?? d.pool.carryStates)
    .option('--decoding <auto|greedy_search|modified_beam_search>', "search: 'auto' uses beam search with the model folder's token LM (lm.json) where it has one (env EARSHOT_DECODING)", env.EARSHOT_DECODING ?? d.pool.decoding)
    .option('--beam <n>', 'paths kept by beam search', intOption, d.pool.beam)
    .option('--max-batch <n>', 'most streams in one batched decode call (env EARSHOT_MAX_BATCH)', intOption, Number(env.EARSHOT_MAX_BATCH ?? d.pool.maxBatch))
    .option('--loop-interval-ms <ms>', 'how often each worker gathers ready streams', intOption, d.pool.loopIntervalMs)
    .option('--capacity <n|auto>', "real-time streams decoded at once; 'auto' measures it at start-up (env EARSHOT_CAPACITY)", env.EARSHOT_CAPACITY ?? 'auto')
    .option('--max-waiting <n>', 'sessions in the waiting room before handshakes get 503 (env EARSHOT_MAX_WAITING)', intOption, Number(env.EARSHOT_MAX_WAITING ?? d.maxWaiting))
    .option('--max-connections <n>', 'open WebSockets before handshakes get 503 (env EARSHOT_MAX_CONNECTIONS)', intOption, Number(env.EARSHOT_MAX_CONNECTIONS ?? d.maxConnections))
    .option('--token <secret>', 'require this token (Bearer header or ?token=), at least 16 characters (env EARSHOT_TOKEN)', env.EARSHOT_TOKEN)
    .option('--serial', "the old system's design, for benchmarks: one worker, batch size 1, no admission control")
    .option('--root-protocol <none|funasr|sherpa>', 'protocol spoken by WebSockets on / (for unmodified FunASR/sherpa clients)', d.rootProtocol)
    .option('--web-root <dir>', 'static web UI to serve at / (default out/web when built)')
    .option('--tls-cert <file>', 'PEM certificate: serve https/wss')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--shutdown-grace-ms <ms>', 'on SIGINT/SIGTERM, time in-flight sessions get to finish', intOption, d.shutdownGraceMs)
    .option('--log-level <level>', 'pino log level (logs go to stderr)', env.LOG_LEVEL ?? 'info')
    .action(async (flags: ServeFlags) => {
      const logger = pino({ name: 'earshot-serve', level: flags.logLevel }, pino.destination(2));
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new AsrError(ErrorCode.InvalidConfig, '--tls-cert and --tls-key go together');
      const config = serveConfigFromFlags(flags);
      if (!existsSync(config.pool.modelDir)) {
        throw new AsrError(ErrorCode.ModelNotFound, `no model folder at ${config.pool.modelDir} (pass --model DIR or set EARSHOT_MODEL)`);
      }
      const auth = flags.token ? new StaticTokenAuthenticator(flags.token) : undefined;
      const tls = flags.tlsCert && flags.tlsKey ? { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } : undefined;
      const server = await startLocalServer(config, { logger, auth, tls });
      const web = config.webRoot ? ` — web UI ${server.url.replace(/^ws/, 'http').replace(/\/v1\/listen$/, '/')}` : '';
      process.stdout.write(
        `earshot: listening on ${server.url} (model ${server.info.models[0]}, provider ${server.info.providers[0]}` +
          `${server.info.encoderBinding ? ` via ${server.info.encoderBinding}` : ''}, ${searchDescription(config.pool)}, ` +
          `${config.pool.workers} worker(s), capacity ${config.pool.serial ? 'unlimited (serial)' : server.transport.capacity} streams)${web}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          logger.info('shutting down: finishing in-flight utterances');
          server
            .close()
            .catch((err: unknown) => logger.error({ err: String(err) }, 'shutdown failed'))
            .finally(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
