/**
 * The one seam between the gateway and whatever decodes audio: the in-process worker pool
 * (in-process-transport.ts) or a Redis-backed cluster (redis-transport.ts, later). The gateway
 * never knows which it holds. Everything here is plain data so that it can cross a
 * worker_threads boundary or be serialized into a Redis Stream entry unchanged.
 */
import type { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';

export interface TransportSessionSpec {
  /** Unique across the cluster; finals are keyed by (sessionId, utterance). */
  sessionId: string;
  /** Sample rate of the pushed audio; the engine resamples to the model's rate. */
  sampleRate: number;
  /**
   * Encoding of the pushed bytes. Audio travels as the client sent it (PCM16 is 2 bytes per
   * sample, compact enough for a Redis Stream field); only the decoding side converts to float.
   */
  format: AudioFormat;
  /** Model name; undefined means the transport's default model. */
  model?: string;
  /** Words or phrases the search should favour (protocol v1 `hotwords`). */
  hotwords?: string[];
}

export interface FinalResult {
  sessionId: string;
  /** 0-based index of the utterance within the session; (sessionId, utterance) is unique. */
  utterance: number;
  text: string;
  /** Seconds from the start of the session's audio. */
  start: number;
  end: number;
  tokens: string[];
  /** Seconds from the start of the session's audio, one per token. */
  timestamps: number[];
}

/** Where a transport delivers one session's results. Calls arrive in order; none after end()/error(). */
export interface SessionSink {
  /** The current utterance's text changed (only sent when it changed). */
  partial(utterance: number, text: string): void;
  /** An utterance ended (endpoint detected, or input finished). */
  final(result: FinalResult): void;
  /**
   * Seconds of this session's audio the decoder has taken in so far. The gateway compares it with
   * what it pushed to apply backpressure on the client's socket.
   */
  progress(consumedSeconds: number): void;
  /** Input finished and every final was delivered. */
  end(): void;
  /** The session cannot continue (worker died, backend down, bad audio); no end() follows. */
  error(code: ErrorCode, message: string): void;
}

export interface TransportSession {
  readonly sessionId: string;
  /** Appends audio in the session's format. Any length; a split sample is carried to the next push. */
  push(audio: Uint8Array): void;
  /** No more audio: flush, deliver the last final(s), then end(). */
  finish(): void;
  /** Drop the session now; no further sink calls. Idempotent. */
  abort(): void;
}

export interface TransportInfo {
  /** Models that open() accepts by name; the first is the default. */
  models: string[];
  /** Execution provider(s) in use, for /readyz and logs (e.g. 'cpu'). */
  providers: string[];
  /** How a local engine calls onnxruntime ('native' or 'onnxruntime-node'), for logs. */
  encoderBinding?: string;
}

export interface InferenceTransport {
  /** Real-time streams the backend can decode at once right now (sum over live workers). */
  readonly capacity: number;
  /** Called whenever capacity changes (workers come and go, calibration finished). */
  onCapacityChange(listener: (capacity: number) => void): () => void;
  /** Resolves once the backend can take sessions (models loaded, capacity known). */
  start(): Promise<TransportInfo>;
  /** True between a resolved start() and close(). */
  readonly ready: boolean;
  /** Opens a session. Rejects with an AsrError (e.g. ASR_ERR_UNKNOWN_MODEL) when it cannot. */
  open(spec: TransportSessionSpec, sink: SessionSink): Promise<TransportSession>;
  /** Aborts whatever is still open and releases the backend. */
  close(): Promise<void>;
}
