import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ModelInfo } from '../../engine/recognizer-api.ts';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';
import type { ServingMetrics } from '../metrics.ts';
import type { BatchStats, SchedulerEvent } from './batch-scheduler.ts';
import type { CalibrationResult } from './calibration.ts';
import type { FromWorker, RecognizerConfigInput, ToWorker, WorkerInit } from './worker-messages.ts';

/** Where the pool sends one session's scheduler events. */
export type SessionEventHandler = (event: SchedulerEvent) => void;

export interface WorkerPoolOptions {
  workers: number;
  maxBatch: number;
  loopIntervalMs: number;
  recognizerConfig: RecognizerConfigInput;
  /** URL of a module with createOnlineRecognizer(); default Earshot's engine. */
  recognizerModule?: string;
  /**
   * Worker entry script. Default: worker-bootstrap.js beside this file, which registers tsx and
   * imports worker-main.ts (source checkouts, `earshot`, tests). A bundled app builds
   * src/serving/transport/worker-main.ts as an extra entry (electron-vite: main
   * `rollupOptions.input['worker-main']`) and passes `new URL('./worker-main.js', import.meta.url)`.
   */
  workerEntry?: URL;
  logger: Logger;
  metrics?: ServingMetrics;
}

interface PoolWorker {
  index: number;
  thread: Worker;
  sessions: Set<string>;
  alive: boolean;
  busyMs: number;
}

const DEFAULT_ENTRY = new URL('./worker-bootstrap.js', import.meta.url);
const UTILIZATION_PERIOD_MS = 1000;

/**
 * A pool of worker threads, each owning one recognizer and one BatchScheduler. Sessions go to the
 * least-loaded live worker and never move, so a stream is never decoded by two workers.
 */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly handlers = new Map<string, { worker: PoolWorker; handler: SessionEventHandler }>();
  private utilizationTimer: NodeJS.Timeout | undefined;
  private closing = false;
  modelInfo: ModelInfo | undefined;
  provider = 'unknown';
  /** 'native' or 'onnxruntime-node' for Earshot's engine; undefined for other recognizers. */
  encoderBinding: string | undefined;
  /** Called when a worker dies (its sessions already got errors). */
  onWorkerLost: (index: number) => void = () => undefined;

  constructor(private readonly options: WorkerPoolOptions) {}

  get size(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  /** Spawns every worker and resolves once each has loaded its model. */
  async start(): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: this.options.workers }, (_, i) => this.spawn(i)));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) {
      await this.close();
      throw (failure as PromiseRejectedResult).reason;
    }
    this.utilizationTimer = setInterval(() => this.reportUtilization(), UTILIZATION_PERIOD_MS);
    this.utilizationTimer.unref();
  }

  private spawn(index: number): Promise<PoolWorker> {
    const init: WorkerInit = {
      index,
      recognizerModule: this.options.recognizerModule,
      recognizerConfig: this.options.recognizerConfig,
      maxBatch: this.options.maxBatch,
      loopIntervalMs: this.options.loopIntervalMs,
    };
    const thread = new Worker(this.options.workerEntry ?? DEFAULT_ENTRY, { workerData: init });
    const worker: PoolWorker = { index, thread, sessions: new Set(), alive: false, busyMs: 0 };
    this.workers[index] = worker;
    return new Promise((resolve, reject) => {
      const onEarlyExit = (code: number): void => reject(new AsrError(ErrorCode.WorkerFailed, `worker ${index} exited with code ${code} while loading`));
      thread.once('exit', onEarlyExit);
      thread.on('error', (err) => {
        this.options.logger.error({ err, worker: index }, 'worker thread error');
        reject(new AsrError(ErrorCode.WorkerFailed, `worker ${index}: ${err.message}`, { cause: err }));
      });
      thread.on('message', (m: FromWorker) => {
        switch (m.t) {
          case 'ready':
            this.modelInfo = m.modelInfo;
            this.provider = m.provider;
            this.encoderBinding = m.encoderBinding;
            worker.alive = true;
            thread.off('exit', onEarlyExit);
            thread.once('exit', (code) => this.lost(worker, code));
            resolve(worker);
            break;
          case 'failed':
            reject(new AsrError(m.code as ErrorCode, m.message));
            break;
          case 'batch':
            this.dispatch(worker, m.events, m.stats);
            break;
          default:
            break; // calibrated/closed are awaited by their callers
        }
      });
    });
  }

  private dispatch(worker: PoolWorker, events: SchedulerEvent[], stats?: BatchStats): void {
    if (stats) {
      worker.busyMs += stats.decodeMs;
      const m = this.options.metrics;
      if (m) {
        m.batchSize.observe(stats.size);
        m.decodeLatency.observe(stats.decodeMs / 1000);
        m.audioSeconds.inc(stats.audioSeconds);
        if (stats.audioSeconds > 0) m.realTimeFactor.observe(stats.decodeMs / 1000 / stats.audioSeconds);
      }
    }
    for (const event of events) {
      const entry = this.handlers.get(event.id);
      if (!entry) continue;
      if (event.type === 'end' || event.type === 'error') this.forget(event.id);
      entry.handler(event);
    }
  }

  private reportUtilization(): void {
    for (const w of this.workers) {
      this.options.metrics?.workerUtilization.set({ worker: String(w.index) }, Math.min(1, w.busyMs / UTILIZATION_PERIOD_MS));
      w.busyMs = 0;
    }
  }

  private lost(worker: PoolWorker, code: number): void {
    worker.alive = false;
    if (this.closing) return;
    this.options.logger.error({ worker: worker.index, code }, 'worker thread died; failing its sessions');
    for (const id of [...worker.sessions]) {
      const entry = this.handlers.get(id);
      this.forget(id);
      entry?.handler({ type: 'error', id, code: ErrorCode.WorkerFailed, message: `worker ${worker.index} died (exit code ${code})` });
    }
    this.onWorkerLost(worker.index);
  }

  /** Starts a fresh worker in the place of a dead one. */
  async respawn(index: number): Promise<void> {
    if (this.closing || this.workers[index]?.alive) return;
    await this.spawn(index);
  }

  private forget(id: string): void {
    const entry = this.handlers.get(id);
    if (!entry) return;
    entry.worker.sessions.delete(id);
    this.handlers.delete(id);
  }

  private send(worker: PoolWorker, message: ToWorker, transfer?: ArrayBuffer[]): void {
    worker.thread.postMessage(message, transfer);
  }

  /** Assigns the session to the least-loaded live worker for its whole life. */
  open(id: string, sampleRate: number, format: AudioFormat, handler: SessionEventHandler, hotwords?: string[]): void {
    const live = this.workers.filter((w) => w?.alive);
    if (live.length === 0) throw new AsrError(ErrorCode.WorkerFailed, 'no live worker');
    const worker = live.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
    worker.sessions.add(id);
    this.handlers.set(id, { worker, handler });
    this.send(worker, { t: 'open', id, sampleRate, format, ...(hotwords?.length && { hotwords }) });
  }

  /** Copies the bytes into their own buffer and transfers it (no second copy in the worker). */
  push(id: string, bytes: Uint8Array): void {
    const entry = this.handlers.get(id);
    if (!entry) return;
    // new Uint8Array(view) copies (Buffer#slice would not), so transferring never detaches ws's pool.
    const own = new Uint8Array(bytes);
    this.send(entry.worker, { t: 'audio', id, bytes: own }, [own.buffer as ArrayBuffer]);
  }

  finish(id: string): void {
    const entry = this.handlers.get(id);
    if (entry) this.send(entry.worker, { t: 'finish', id });
  }

  abort(id: string): void {
    const entry = this.handlers.get(id);
    if (!entry) return;
    this.forget(id);
    this.send(entry.worker, { t: 'abort', id });
  }

  /** Every worker times batched decodes at once (they share the cores in production too). */
  async calibrate(streamsPerWorker: number, seconds: number): Promise<CalibrationResult[]> {
    return Promise.all(
      this.workers
        .filter((w) => w.alive)
        .map(
          (w) =>
            new Promise<CalibrationResult>((resolve) => {
              const onMessage = (m: FromWorker): void => {
                if (m.t !== 'calibrated') return;
                w.thread.off('message', onMessage);
                resolve({ audioSeconds: m.audioSeconds, wallMs: m.wallMs, warmupMs: m.warmupMs });
              };
              w.thread.on('message', onMessage);
              this.send(w, { t: 'calibrate', streams: streamsPerWorker, seconds });
            }),
        ),
    );
  }

  /** Stops every worker after its decode in flight; open sessions get no further events. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.utilizationTimer);
    this.handlers.clear();
    await Promise.all(
      this.workers
        .filter((w) => w)
        .map(async (w) => {
          if (!w.alive) return void (await w.thread.terminate());
          const closed = new Promise<void>((resolve) => {
            w.thread.once('exit', () => resolve());
            w.thread.on('message', (m: FromWorker) => m.t === 'closed' && resolve());
          });
          this.send(w, { t: 'close' });
          const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
          await Promise.race([closed, timeout]);
          w.alive = false;
          await w.thread.terminate();
        }),
    );
  }
}
