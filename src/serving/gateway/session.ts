import type { Logger } from 'pino';
import { isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';
import type { ServingMetrics } from '../metrics.ts';
import type { FinalResult, InferenceTransport, SessionSink, TransportSession } from '../transport/inference-transport.ts';
import { bytesPerSample } from '../transport/pcm-decoder.ts';
import type { AdmissionControl, QueueStatus } from './admission-controller.ts';

/** What a protocol adapter (v1, FunASR, sherpa) renders to its socket. Nothing follows end() or error(). */
export interface SessionOutput {
  ready(sessionId: string, model: string): void;
  queueStatus(status: QueueStatus): void;
  partial(utterance: number, text: string): void;
  final(result: FinalResult): void;
  /** All finals were sent: close normally. */
  end(): void;
  /** The session failed: report `code` and close with its close code. */
  error(code: ErrorCode, message: string): void;
}

/** Socket-level flow control (ws pause/resume). */
export interface InputFlow {
  pause(): void;
  resume(): void;
}

export interface SessionLimits {
  waitingBufferSeconds: number;
  waitingBufferBytes: number;
  maxBacklogSeconds: number;
  idleTimeoutMs: number;
}

export interface SessionStart {
  sampleRate: number;
  format: AudioFormat;
  model?: string;
  hotwords?: string[];
}

export interface SessionDeps {
  id: string;
  transport: InferenceTransport;
  admission: AdmissionControl;
  output: SessionOutput;
  input: InputFlow;
  limits: SessionLimits;
  defaultModel: string;
  logger: Logger;
  metrics: ServingMetrics;
  /** Called once when the session is over (ended, failed or disconnected). */
  onClosed(session: Session): void;
}

/**
 * protocol v1's per-connection state machine, independent of the wire format:
 *
 *   idle --start--> waiting --admitted--> opening --open--> active --stop--> finishing --end--> ended
 *                      \_________________ error / disconnect / idle timeout ________________/--> failed
 *
 * Audio that arrives before decoding starts is buffered (bounded: ASR_ERR_BUFFER_OVERFLOW, never
 * dropped) and decoded faster than real time once admitted. While decoding, undecoded audio above
 * `maxBacklogSeconds` pauses the client's socket until the worker catches up.
 */
export type SessionState = 'idle' | 'waiting' | 'opening' | 'active' | 'finishing' | 'ended' | 'failed';

export class Session {
  state: SessionState = 'idle';
  private spec: SessionStart | undefined;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private stopRequested = false;
  private transportSession: TransportSession | undefined;
  private pushedSeconds = 0;
  private consumedSeconds = 0;
  private paused = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private enteredAt = 0;
  private inAdmission = false;
  /** The server (shutdown), not the client, ended the input. */
  private finishedByServer = false;

  constructor(private readonly deps: SessionDeps) {
    this.armIdle();
  }

  get id(): string {
    return this.deps.id;
  }

  get isOver(): boolean {
    return this.state === 'ended' || this.state === 'failed';
  }

  /** True while waiting for a decoding slot (queue_status goes out). */
  get isWaiting(): boolean {
    return this.state === 'waiting';
  }

  start(spec: SessionStart): void {
    this.touch();
    if (this.state !== 'idle') return this.fail(ErrorCode.BadRequest, 'start was already received');
    this.spec = spec;
    this.state = 'waiting';
    this.enteredAt = performance.now();
    this.inAdmission = true;
    const decision = this.deps.admission.enter(this.id, { admitted: () => this.onAdmitted() });
    if (decision === 'rejected') {
      this.inAdmission = false;
      this.deps.metrics.rejectedSessions.inc({ code: ErrorCode.Overloaded });
      return this.fail(ErrorCode.Overloaded, 'the waiting room is full; retry later');
    }
    this.refreshGauges();
    if (decision === 'waiting') {
      this.disarmIdle(); // waiting is not idleness; keep-alive pings cover dead peers
      this.sendQueueStatus();
    }
  }

  audio(bytes: Uint8Array): void {
    this.touch();
    switch (this.state) {
      case 'idle':
        return this.fail(ErrorCode.NotStarted, 'binary audio before start');
      case 'waiting':
      case 'opening':
        return this.buffer(bytes);
      case 'active':
        return this.push(bytes);
      case 'finishing':
        // After a server-side finish (shutdown) late frames cannot be decoded any more; log, don't fail.
        if (this.finishedByServer) return void this.deps.logger.info({ session: this.id, bytes: bytes.length }, 'audio after shutdown began was not decoded');
        return this.fail(ErrorCode.BadRequest, 'audio after stop');
      default:
        return;
    }
  }

  stop(): void {
    this.touch();
    switch (this.state) {
      case 'idle':
        // Nothing was started: there is nothing to flush.
        this.state = 'ended';
        this.close();
        this.deps.output.end();
        return;
      case 'waiting':
      case 'opening':
        this.stopRequested = true; // finished as soon as the buffered audio is decoded
        return;
      case 'active':
        this.state = 'finishing';
        this.disarmIdle();
        this.transportSession?.finish();
        return;
      default:
        return;
    }
  }

  /** The socket went away: free the slot or the place in the queue, drop the decoder state. */
  disconnect(): void {
    if (this.isOver) return;
    this.state = 'failed';
    this.transportSession?.abort();
    this.deps.metrics.sessionsTotal.inc({ outcome: 'disconnected' });
    this.close();
  }

  /** Graceful shutdown: waiting sessions are cut; decoding ones are finished (flush + finals + end). */
  shutdown(): void {
    if (this.state === 'idle' || this.state === 'waiting') return this.fail(ErrorCode.ShuttingDown, 'the server is shutting down');
    this.finishedByServer = true;
    if (this.state === 'opening') this.stopRequested = true;
    if (this.state === 'active') this.stop();
  }

  /** Fails the session with `code` (protocol errors, timeouts, backend failures). */
  fail(code: ErrorCode, message: string): void {
    if (this.isOver) return;
    this.state = 'failed';
    this.transportSession?.abort();
    this.deps.metrics.sessionsTotal.inc({ outcome: 'error' });
    if (code !== ErrorCode.Overloaded) this.deps.metrics.rejectedSessions.inc({ code });
    this.deps.logger.info({ session: this.id, code, message }, 'session failed');
    this.close();
    this.deps.output.error(code, message);
  }

  sendQueueStatus(): void {
    if (this.state !== 'waiting') return;
    const status = this.deps.admission.queueStatus(this.id);
    if (status) this.deps.output.queueStatus(status);
  }

  private bytesPerSecond(): number {
    return this.spec!.sampleRate * bytesPerSample(this.spec!.format);
  }

  private buffer(bytes: Uint8Array): void {
    const { waitingBufferBytes, waitingBufferSeconds } = this.deps.limits;
    const total = this.bufferedBytes + bytes.length;
    if (total > waitingBufferBytes || total / this.bytesPerSecond() > waitingBufferSeconds) {
      return this.fail(
        ErrorCode.BufferOverflow,
        `more than ${waitingBufferSeconds} s / ${waitingBufferBytes} bytes of audio arrived before decoding could start`,
      );
    }
    // ws may hand us a view into a pooled buffer; keep our own copy.
    this.buffered.push(Uint8Array.from(bytes));
    this.bufferedBytes = total;
  }

  private push(bytes: Uint8Array): void {
    this.transportSession!.push(bytes);
    this.pushedSeconds += bytes.length / this.bytesPerSecond();
    this.applyBackpressure();
  }

  private applyBackpressure(): void {
    const backlog = this.pushedSeconds - this.consumedSeconds;
    const limit = this.deps.limits.maxBacklogSeconds;
    if (!this.paused && backlog > limit) {
      this.paused = true;
      this.disarmIdle();
      this.deps.metrics.pausedSockets.inc();
      this.deps.metrics.backpressurePauses.inc();
      this.deps.input.pause();
    } else if (this.paused && backlog <= limit / 2) {
      this.paused = false;
      this.deps.metrics.pausedSockets.dec();
      this.deps.input.resume();
      if (this.state === 'active') this.armIdle();
    }
  }

  private onAdmitted(): void {
    if (this.isOver) return;
    this.state = 'opening';
    this.deps.metrics.queueWait.observe((performance.now() - this.enteredAt) / 1000);
    this.refreshGauges();
    const spec = this.spec!;
    const sink: SessionSink = {
      partial: (utterance, text) => !this.isOver && this.deps.output.partial(utterance, text),
      final: (result) => {
        if (this.isOver) return;
        this.deps.metrics.finals.inc();
        this.deps.output.final(result);
      },
      progress: (seconds) => {
        this.consumedSeconds = seconds;
        this.applyBackpressure();
      },
      end: () => {
        if (this.isOver) return;
        this.state = 'ended';
        this.deps.metrics.sessionsTotal.inc({ outcome: 'ok' });
        this.close();
        this.deps.output.end();
      },
      error: (code, message) => this.fail(code, message),
    };
    this.deps.transport
      .open({ sessionId: this.id, sampleRate: spec.sampleRate, format: spec.format, model: spec.model, hotwords: spec.hotwords }, sink)
      .then(
        (ts) => {
          if (this.isOver) return ts.abort();
          this.transportSession = ts;
          this.state = 'active';
          this.deps.output.ready(this.id, spec.model ?? this.deps.defaultModel);
          this.armIdle();
          const buffered = this.buffered;
          this.buffered = [];
          this.bufferedBytes = 0;
          for (const chunk of buffered) this.push(chunk);
          if (this.stopRequested) this.stop();
        },
        (err: unknown) => this.fail(isAsrError(err) ? err.code : ErrorCode.Internal, err instanceof Error ? err.message : String(err)),
      );
  }

  private touch(): void {
    if (this.idleTimer) this.idleTimer.refresh();
  }

  private armIdle(): void {
    this.disarmIdle();
    this.idleTimer = setTimeout(() => this.fail(ErrorCode.IdleTimeout, `no message for ${this.deps.limits.idleTimeoutMs} ms`), this.deps.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private refreshGauges(): void {
    this.deps.metrics.activeSessions.set(this.deps.admission.activeCount);
    this.deps.metrics.waitingSessions.set(this.deps.admission.waitingCount);
  }

  /** Leaves admission exactly once and releases timers and buffers. */
  private close(): void {
    this.disarmIdle();
    this.buffered = [];
    if (this.paused) {
      this.paused = false;
      this.deps.metrics.pausedSockets.dec();
    }
    if (this.inAdmission) {
      this.inAdmission = false;
      this.deps.admission.leave(this.id);
      this.refreshGauges();
    }
    this.deps.onClosed(this);
  }
}
