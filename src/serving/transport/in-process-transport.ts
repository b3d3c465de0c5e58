import type { Logger } from 'pino';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LM_CONFIG_FILE } from '../../engine/lm/language-model-config.ts';
import type { DecodingMethod, EndpointConfig } from '../../engine/recognizer-api.ts';
import { recognizerModuleUrl } from '../../engine/recognizer-engines.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ServingMetrics } from '../metrics.ts';
import { effectiveThreads, validatePoolConfig, type PoolConfig } from '../serving-config.ts';
import type { InferenceTransport, SessionSink, TransportInfo, TransportSession, TransportSessionSpec } from './inference-transport.ts';
import type { RecognizerConfigInput } from './worker-messages.ts';
import { WorkerPool } from './worker-pool.ts';

/** The engine's recognizer config for a pool; endpoint rules default to the engine's own (sherpa-onnx's). */
export function recognizerConfigFor(pool: PoolConfig, endpoint?: EndpointConfig): RecognizerConfigInput {
  return {
    modelDir: pool.modelDir,
    providers: pool.providers,
    encoderBinding: pool.encoderBinding,
    carryStates: pool.carryStates,
    numThreads: effectiveThreads(pool),
    decodingMethod: decodingFor(pool),
    maxActivePaths: pool.beam,
    ...(endpoint && { endpoint }),
  };
}

/** Whether the pool's recognizers find a token LM to decode with (Earshot's engine reads lm.json). */
function shipsLm(pool: PoolConfig): boolean {
  return pool.engine === 'earshot' && existsSync(join(pool.modelDir, LM_CONFIG_FILE));
}

/** The pool's decoding method; 'auto' decodes with the model folder's token LM where there is one. */
export function decodingFor(pool: PoolConfig): DecodingMethod {
  if (pool.decoding !== 'auto') return pool.decoding;
  return shipsLm(pool) ? 'modified_beam_search' : 'greedy_search';
}

/** How the pool searches, for logs: 'greedy search' or 'beam search (8) + token LM'. */
export function searchDescription(pool: PoolConfig): string {
  if (decodingFor(pool) === 'greedy_search') return 'greedy search';
  return `beam search (${pool.beam})${shipsLm(pool) ? ' + token LM' : ''}`;
}

export interface InProcessTransportOptions {
  pool: PoolConfig;
  /** A number, or 'auto' to measure batched decoding speed at start-up. */
  capacity: number | 'auto';
  /** Fraction of the measured throughput admitted (headroom). */
  calibrationHeadroom?: number;
  logger: Logger;
  metrics?: ServingMetrics;
  endpoint?: EndpointConfig;
  /** See WorkerPoolOptions (bundled builds, alternative recognizer modules). */
  workerEntry?: URL;
  recognizerModule?: string;
}

/** Seconds of synthetic audio per stream when calibrating. */
const CALIBRATION_SECONDS = 2;

/** The in-process transport: a pool of worker threads in this process (desktop, `earshot serve`). */
export class InProcessTransport implements InferenceTransport {
  private readonly pool: WorkerPool;
  private readonly listeners = new Set<(capacity: number) => void>();
  private perWorkerCapacity = 1;
  private isReady = false;

  constructor(private readonly options: InProcessTransportOptions) {
    validatePoolConfig(options.pool);
    this.pool = new WorkerPool({
      workers: options.pool.workers,
      maxBatch: options.pool.maxBatch,
      loopIntervalMs: options.pool.loopIntervalMs,
      recognizerConfig: recognizerConfigFor(options.pool, options.endpoint),
      recognizerModule: options.recognizerModule ?? (options.pool.engine === 'earshot' ? undefined : recognizerModuleUrl(options.pool.engine)),
      workerEntry: options.workerEntry,
      logger: options.logger,
      metrics: options.metrics,
    });
    this.pool.onWorkerLost = (index) => {
      this.emitCapacity();
      this.pool.respawn(index).then(
        () => this.emitCapacity(),
        (err) => options.logger.error({ err, worker: index }, 'could not restart worker'),
      );
    };
  }

  get ready(): boolean {
    return this.isReady;
  }

  get capacity(): number {
    return this.perWorkerCapacity * this.pool.size;
  }

  onCapacityChange(listener: (capacity: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitCapacity(): void {
    for (const l of this.listeners) l(this.capacity);
  }

  async start(): Promise<TransportInfo> {
    const { pool, capacity, logger } = this.options;
    const t0 = performance.now();
    await this.pool.start();
    logger.info({ workers: pool.workers, provider: this.pool.provider, model: pool.modelName, ms: Math.round(performance.now() - t0) }, 'worker pool up');
    if (capacity === 'auto') {
      this.perWorkerCapacity = await this.calibrate();
    } else {
      this.perWorkerCapacity = capacity / pool.workers;
    }
    this.isReady = true;
    this.emitCapacity();
    return { models: [pool.modelName], providers: [this.pool.provider], encoderBinding: this.pool.encoderBinding };
  }

  /**
   * Decodes maxBatch synthetic streams per worker, all workers at once, and turns the measured
   * aggregate speed (× real time) into real-time streams per worker, minus headroom.
   */
  private async calibrate(): Promise<number> {
    const { pool, logger } = this.options;
    const headroom = this.options.calibrationHeadroom ?? 0.8;
    const streams = Math.min(pool.maxBatch, 64);
    const results = await this.pool.calibrate(streams, CALIBRATION_SECONDS);
    const speeds = results.map((r) => r.audioSeconds / (r.wallMs / 1000));
    const perWorker = Math.max(1, Math.floor(Math.min(...speeds) * headroom));
    const warmupMs = Math.round(Math.max(...results.map((r) => r.warmupMs)));
    logger.info({ streams, speeds: speeds.map((s) => Math.round(s * 10) / 10), warmupMs, perWorker, capacity: perWorker * pool.workers }, 'capacity calibrated');
    return perWorker;
  }

  async open(spec: TransportSessionSpec, sink: SessionSink): Promise<TransportSession> {
    if (!this.isReady) throw new AsrError(ErrorCode.WorkerFailed, 'transport is not started');
    const model = this.options.pool.modelName;
    if (spec.model !== undefined && spec.model !== model) {
      throw new AsrError(ErrorCode.UnknownModel, `model ${JSON.stringify(spec.model)} is not loaded here (available: ${model})`);
    }
    const id = spec.sessionId;
    let done = false;
    this.pool.open(id, spec.sampleRate, spec.format, (event) => {
      if (done) return;
      switch (event.type) {
        case 'partial':
          return sink.partial(event.utterance, event.text);
        case 'final':
          return sink.final({ sessionId: id, utterance: event.utterance, text: event.text, start: event.start, end: event.end, tokens: event.tokens, timestamps: event.timestamps });
        case 'progress':
          return sink.progress(event.seconds);
        case 'end':
          done = true;
          return sink.end();
        case 'error':
          done = true;
          return sink.error(event.code, event.message);
      }
    }, spec.hotwords);
    const pool = this.pool;
    return {
      sessionId: id,
      push: (audio) => {
        if (!done) pool.push(id, audio);
      },
      finish: () => {
        if (!done) pool.finish(id);
      },
      abort: () => {
        if (done) return;
        done = true;
        pool.abort(id);
      },
    };
  }

  async close(): Promise<void> {
    this.isReady = false;
    await this.pool.close();
  }
}
