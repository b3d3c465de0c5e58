import { availableParallelism } from 'node:os';
import { isRecognizerEngine, RECOGNIZER_ENGINES, type RecognizerEngine } from '../engine/recognizer-engines.ts';
import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import { CARRY_STATES, type CarryStates, ENCODER_BINDINGS, type EncoderBinding } from '../engine/model/session-factory.ts';

export const POOL_DECODINGS = ['auto', 'greedy_search', 'modified_beam_search'] as const;
export type PoolDecoding = (typeof POOL_DECODINGS)[number];

/** Which protocol a WebSocket upgrade on `/` speaks (unmodified FunASR/sherpa clients connect to `/`). */
export type RootProtocol = 'none' | 'funasr' | 'sherpa';

export interface PoolConfig {
  /** Folder of the model every worker loads. */
  modelDir: string;
  /** Recognizer implementation: Earshot's engine, or sherpa-onnx-node's (benchmarks, as the peer). */
  engine: RecognizerEngine;
  /** Name clients may pass as `model`; defaults to the folder's base name. */
  modelName: string;
  /** Worker threads; each owns one recognizer (one ORT session). */
  workers: number;
  /** Intra-op threads per ORT session; 0 = cores / workers. */
  threadsPerWorker: number;
  /** Execution providers tried in order, then 'cpu'. */
  providers: string[];
  /** How the engine calls onnxruntime on the CPU (engine/model/streaming-encoder-factory.ts). */
  encoderBinding: EncoderBinding;
  /**
   * Keep encoder states batched between calls, on the device with a GPU provider
   * (engine/model/state-carry.ts). 'auto': on for the CPU provider only.
   */
  carryStates: CarryStates;
  /**
   * 'auto' (default): beam search with the folder's token LM when Earshot's engine runs a model
   * folder that ships one (lm.json), else greedy search.
   */
  decoding: PoolDecoding;
  /** Paths kept by beam search. */
  beam: number;
  /** Most streams in one batched decode call. */
  maxBatch: number;
  /** How often a worker gathers ready streams (like sherpa-onnx's --loop-interval-ms). */
  loopIntervalMs: number;
  /**
   * The old system's design for benchmarks: one worker, batch size 1 and no admission control.
   * Forces workers=1, maxBatch=1 and an unbounded capacity.
   */
  serial: boolean;
}

export interface ServingConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  pool: PoolConfig;
  /** Real-time streams decoded at once; 'auto' measures it at start-up. */
  capacity: number | 'auto';
  /** Fraction of the calibrated throughput used as capacity (headroom for jitter). */
  calibrationHeadroom: number;
  /** Sessions allowed in the waiting room; beyond it handshakes get HTTP 503. */
  maxWaiting: number;
  /** Open WebSocket connections allowed; beyond it handshakes get HTTP 503. */
  maxConnections: number;
  /** Largest WebSocket frame accepted (ws maxPayload); larger closes with 1009. */
  maxFrameBytes: number;
  /** Audio a waiting session may buffer before ASR_ERR_BUFFER_OVERFLOW (seconds and bytes, whichever first). */
  waitingBufferSeconds: number;
  waitingBufferBytes: number;
  /** Undecoded audio of an active session above which its socket is paused until the decoder catches up. */
  maxBacklogSeconds: number;
  /** How often waiting sessions get queue_status (at most; also sent when a position changes). */
  queueStatusIntervalMs: number;
  /** No client message for this long (outside the waiting room) ends the session with ASR_ERR_IDLE_TIMEOUT. */
  idleTimeoutMs: number;
  /** WebSocket ping interval; a peer that misses one pong is dropped. Independent of queue waits. */
  pingIntervalMs: number;
  /** Graceful shutdown: in-flight sessions get this long to flush their finals. */
  shutdownGraceMs: number;
  /** Session duration assumed for ETAs before any session has finished. */
  initialSessionEstimateMs: number;
  /** Static files served at / (the web UI); undefined = none. */
  webRoot?: string;
  rootProtocol: RootProtocol;
}

export function defaultPoolConfig(modelDir = 'models/earshot-en-small'): PoolConfig {
  return {
    modelDir,
    engine: 'earshot',
    modelName: modelDir.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? 'default',
    workers: Math.max(1, Math.floor(availableParallelism() / 2)),
    threadsPerWorker: 0,
    providers: ['cpu'],
    encoderBinding: 'auto',
    carryStates: 'auto',
    decoding: 'auto',
    beam: 8,
    maxBatch: 32,
    loopIntervalMs: 10,
    serial: false,
  };
}

export function defaultServingConfig(modelDir?: string): ServingConfig {
  return {
    host: '127.0.0.1',
    port: 6006,
    pool: defaultPoolConfig(modelDir),
    capacity: 'auto',
    calibrationHeadroom: 0.8,
    maxWaiting: 5000,
    maxConnections: 10_000,
    maxFrameBytes: 1 << 20,
    waitingBufferSeconds: 30,
    waitingBufferBytes: 4 << 20,
    maxBacklogSeconds: 10,
    queueStatusIntervalMs: 1000,
    idleTimeoutMs: 60_000,
    pingIntervalMs: 30_000,
    shutdownGraceMs: 10_000,
    initialSessionEstimateMs: 10_000,
    rootProtocol: 'none',
  };
}

/** Threads per ORT session actually used: explicit, or an even share of the cores. */
export function effectiveThreads(pool: PoolConfig): number {
  if (pool.threadsPerWorker > 0) return pool.threadsPerWorker;
  return Math.max(1, Math.floor(availableParallelism() / pool.workers));
}

function invalid(message: string): never {
  throw new AsrError(ErrorCode.InvalidConfig, message);
}

function int(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) invalid(`${name} must be an integer in [${min}, ${max}], got ${v}`);
}

export function validatePoolConfig(pool: PoolConfig): PoolConfig {
  if (typeof pool.modelDir !== 'string' || pool.modelDir === '') invalid('pool.modelDir must be a non-empty path');
  if (typeof pool.modelName !== 'string' || pool.modelName === '') invalid('pool.modelName must be a non-empty string');
  if (!isRecognizerEngine(pool.engine)) invalid(`pool.engine must be one of ${RECOGNIZER_ENGINES.join(', ')}, got ${String(pool.engine)}`);
  int('pool.workers', pool.workers, 1, 256);
  int('pool.threadsPerWorker', pool.threadsPerWorker, 0, 256);
  if (!POOL_DECODINGS.includes(pool.decoding)) invalid(`pool.decoding must be one of ${POOL_DECODINGS.join(', ')}, got ${String(pool.decoding)}`);
  int('pool.beam', pool.beam, 1, 64);
  int('pool.maxBatch', pool.maxBatch, 1, 4096);
  int('pool.loopIntervalMs', pool.loopIntervalMs, 1, 10_000);
  if (!Array.isArray(pool.providers) || pool.providers.length === 0 || pool.providers.some((p) => typeof p !== 'string' || p === '')) {
    invalid('pool.providers must be a non-empty list of provider names');
  }
  if (!ENCODER_BINDINGS.includes(pool.encoderBinding)) {
    invalid(`pool.encoderBinding must be one of ${ENCODER_BINDINGS.join(', ')}, got ${String(pool.encoderBinding)}`);
  }
  if (!CARRY_STATES.includes(pool.carryStates)) {
    invalid(`pool.carryStates must be one of ${CARRY_STATES.join(', ')}, got ${String(pool.carryStates)}`);
  }
  if (pool.serial && (pool.workers !== 1 || pool.maxBatch !== 1)) invalid('serial mode needs workers=1 and maxBatch=1 (use withSerialMode())');
  return pool;
}

/** Throws AsrError(ASR_ERR_INVALID_CONFIG) naming the first bad field; returns the config unchanged. */
export function validateServingConfig(config: ServingConfig): ServingConfig {
  if (typeof config.host !== 'string' || config.host === '') invalid('host must be a non-empty string');
  int('port', config.port, 0, 65535);
  validatePoolConfig(config.pool);
  if (config.capacity !== 'auto') int('capacity', config.capacity, 1);
  if (!(config.calibrationHeadroom > 0 && config.calibrationHeadroom <= 1)) invalid('calibrationHeadroom must be in (0, 1]');
  int('maxWaiting', config.maxWaiting, 0);
  int('maxConnections', config.maxConnections, 1);
  int('maxFrameBytes', config.maxFrameBytes, 1024, 256 << 20);
  if (!(config.waitingBufferSeconds >= 0)) invalid('waitingBufferSeconds must be >= 0');
  int('waitingBufferBytes', config.waitingBufferBytes, 0);
  if (!(config.maxBacklogSeconds > 0)) invalid('maxBacklogSeconds must be > 0');
  int('queueStatusIntervalMs', config.queueStatusIntervalMs, 10, 60_000);
  int('idleTimeoutMs', config.idleTimeoutMs, 100);
  int('pingIntervalMs', config.pingIntervalMs, 100);
  int('shutdownGraceMs', config.shutdownGraceMs, 0);
  int('initialSessionEstimateMs', config.initialSessionEstimateMs, 1);
  if (!['none', 'funasr', 'sherpa'].includes(config.rootProtocol)) invalid(`rootProtocol must be none, funasr or sherpa, got ${config.rootProtocol}`);
  return config;
}

/** The old system's serial design (benchmarks): one worker, batch 1, no admission control. */
export function withSerialMode(config: ServingConfig): ServingConfig {
  return { ...config, pool: { ...config.pool, serial: true, workers: 1, maxBatch: 1 } };
}
