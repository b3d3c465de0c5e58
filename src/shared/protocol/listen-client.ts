import { AsrError } from '../errors.ts';
import { CloseCode, ErrorCode } from './error-codes.ts';
import { decodeServerMessage } from './codec.ts';
import type { FinalMessage, PartialMessage, QueueStatusMessage, ReadyMessage, ServerMessage, StartMessage } from './messages.ts';
import { backoffDelay, DEFAULT_RECONNECT_BACKOFF, validateReconnectBackoff, type ReconnectBackoffConfig } from './reconnect-backoff.ts';

/**
 * The standard WebSocket surface the client needs: browsers' WebSocket and `ws` both fit
 * (cast at the factory), so the same client runs in the renderer, the CLI and Node tests.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

const OPEN = 1;

/** What the user sees as the connection state. */
export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  /** In the server's waiting room (queue_status). */
  | 'waiting'
  | 'streaming'
  /** The socket dropped; audio is buffered while the client retries with backoff. */
  | 'reconnecting'
  /** `stop` sent; waiting for the last final and `end`. */
  | 'stopping'
  | 'ended'
  | 'failed';

export interface ListenClientConfig {
  /** `ws(s)://host:port/v1/listen` */
  url: string;
  /** Sent as `?token=` (browsers cannot set an Authorization header on a WebSocket). */
  token: string;
  sampleRate: number;
  model?: string;
  hotwords?: string[];
  /** Audio kept while disconnected (or stuck in the send buffer); the oldest is dropped, and reported, past it. */
  maxBufferedBytes: number;
  backoff: ReconnectBackoffConfig;
}

export const DEFAULT_LISTEN_CLIENT_CONFIG: Readonly<Omit<ListenClientConfig, 'url'>> = Object.freeze({
  token: '',
  sampleRate: 16000,
  // 30 s of 16 kHz PCM16.
  maxBufferedBytes: 30 * 16000 * 2,
  backoff: DEFAULT_RECONNECT_BACKOFF,
});

export function validateListenClientConfig(c: ListenClientConfig): ListenClientConfig {
  if (!/^wss?:\/\/[^\s/]+/i.test(c.url)) throw new AsrError(ErrorCode.InvalidConfig, `listen client: url must be ws:// or wss://, got '${c.url}'`);
  if (!(Number.isInteger(c.sampleRate) && c.sampleRate >= 8000 && c.sampleRate <= 192000)) {
    throw new AsrError(ErrorCode.InvalidConfig, 'listen client: sampleRate must be an integer in [8000, 192000]');
  }
  if (!(c.maxBufferedBytes >= 0)) throw new AsrError(ErrorCode.InvalidConfig, 'listen client: maxBufferedBytes must be >= 0');
  validateReconnectBackoff(c.backoff);
  return c;
}

export interface ListenClientEvents {
  status?(status: ConnectionStatus): void;
  ready?(message: ReadyMessage): void;
  queue?(message: QueueStatusMessage): void;
  /** `key` identifies the utterance across reconnects: `${session_id}:${utterance}`. */
  partial?(message: PartialMessage, key: string): void;
  /** Delivered exactly once per key, even when a resumed session repeats it. */
  final?(message: FinalMessage, key: string): void;
  end?(): void;
  /** `fatal`: the session is over (status `failed`); otherwise a warning (e.g. dropped audio). */
  error?(error: AsrError, fatal: boolean): void;
}

/** Server error codes after which a reconnect can succeed. */
const RETRYABLE_CODES = new Set<string>([ErrorCode.Overloaded, ErrorCode.WorkerFailed, ErrorCode.BackendUnavailable, ErrorCode.ShuttingDown]);

/** Close codes that mean "do not come back with the same request". */
const FATAL_CLOSES = new Map<number, ErrorCode>([
  [CloseCode.ProtocolError, ErrorCode.BadRequest],
  [CloseCode.UnsupportedData, ErrorCode.UnsupportedAudio],
  [CloseCode.PolicyViolation, ErrorCode.Forbidden],
  [CloseCode.TooBig, ErrorCode.FrameTooLarge],
  [CloseCode.BadRequest, ErrorCode.BadRequest],
  [CloseCode.Unauthorized, ErrorCode.Unauthorized],
  [CloseCode.Forbidden, ErrorCode.Forbidden],
  [CloseCode.IdleTimeout, ErrorCode.IdleTimeout],
  [CloseCode.QuotaExceeded, ErrorCode.QuotaExceeded],
]);

function withToken(url: string, token: string): string {
  if (!token) return url;
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.toString();
}

function asErrorCode(code: string): ErrorCode {
  return (Object.values(ErrorCode) as string[]).includes(code) ? (code as ErrorCode) : ErrorCode.Internal;
}

/**
 * One dictation over protocol v1: start → (queue_status…) → ready → partial/final → stop → end.
 * When the socket drops it reconnects with backoff, buffers audio meanwhile (bounded) and
 * resumes with `session_id`; finals already delivered are never delivered again.
 */
export class ListenClient {
  private readonly config: ListenClientConfig;
  private socket: WebSocketLike | undefined;
  private state: ConnectionStatus = 'idle';
  private sessionId: string | undefined;
  private readonly finalized = new Set<string>();
  private pending: Int16Array[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopRequested = false;
  private lastError: AsrError | undefined;
  private settle: { resolve: () => void; reject: (e: AsrError) => void } | undefined;
  private readonly finished: Promise<void>;

  constructor(
    config: Partial<ListenClientConfig> & { url: string },
    private readonly createSocket: WebSocketFactory,
    private readonly events: ListenClientEvents = {},
  ) {
    this.config = validateListenClientConfig({ ...DEFAULT_LISTEN_CLIENT_CONFIG, ...config });
    this.finished = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Callers that never await stop() must not see an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  get status(): ConnectionStatus {
    return this.state;
  }

  /** The server's id for this dictation, once `ready` arrived. */
  get session(): string | undefined {
    return this.sessionId;
  }

  /** Bytes of audio currently held back for a reconnect. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  start(): void {
    if (this.state !== 'idle') throw new AsrError(ErrorCode.BadRequest, `listen client already ${this.state}`);
    this.connect();
  }

  /** Queues one PCM16 frame; returns false once the dictation is stopping or over. */
  sendAudio(pcm: Int16Array): boolean {
    if (this.stopRequested || this.isOver()) return false;
    const ws = this.socket;
    if (ws && ws.readyState === OPEN && this.pending.length === 0 && ws.bufferedAmount <= this.config.maxBufferedBytes) {
      ws.send(pcm);
    } else {
      this.hold(pcm.slice());
    }
    return true;
  }

  /** Ends the dictation: the server flushes, sends the last final and `end`. Resolves then. */
  stop(): Promise<void> {
    if (!this.stopRequested && !this.isOver()) {
      this.stopRequested = true;
      const ws = this.socket;
      if (ws && ws.readyState === OPEN) {
        this.flushPending(ws);
        ws.send(JSON.stringify({ type: 'stop' }));
      }
      // Not connected: stop is sent after the reconnect flushed the buffered audio.
      if (this.state !== 'reconnecting' && this.state !== 'connecting') this.setStatus('stopping');
    }
    return this.finished;
  }

  /** Drops the dictation at once (no final flush). */
  abort(): void {
    if (this.isOver()) return;
    this.clearTimer();
    const ws = this.socket;
    this.socket = undefined;
    this.detach(ws);
    ws?.close(CloseCode.Normal, 'aborted');
    this.setStatus('ended');
    this.settle?.resolve();
  }

  private isOver(): boolean {
    return this.state === 'ended' || this.state === 'failed';
  }

  private connect(): void {
    this.setStatus(this.attempts === 0 && !this.sessionId ? 'connecting' : 'reconnecting');
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(withToken(this.config.url, this.config.token));
    } catch (err) {
      this.fail(new AsrError(ErrorCode.InvalidConfig, `cannot open ${this.config.url}: ${String(err)}`, { cause: err }));
      return;
    }
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      const start: StartMessage = {
        type: 'start',
        sample_rate: this.config.sampleRate,
        format: 'pcm_s16le',
        channels: 1,
        ...(this.config.model && { model: this.config.model }),
        ...(this.config.hotwords?.length && { hotwords: this.config.hotwords }),
        ...(this.sessionId && { session_id: this.sessionId }),
      };
      ws.send(JSON.stringify(start));
      this.flushPending(ws);
      if (this.stopRequested) {
        ws.send(JSON.stringify({ type: 'stop' }));
        this.setStatus('stopping');
      }
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = decodeServerMessage(ev.data);
      } catch {
        this.events.error?.(new AsrError(ErrorCode.BadRequest, 'server sent a message that is not protocol v1'), false);
        return;
      }
      this.handle(msg);
    };
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.onSocketClosed(ev.code, ev.reason);
    };
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'ready':
        this.sessionId = msg.session_id;
        this.attempts = 0;
        this.lastError = undefined;
        this.setStatus(this.stopRequested ? 'stopping' : 'streaming');
        this.events.ready?.(msg);
        break;
      case 'queue_status':
        this.attempts = 0;
        if (!this.stopRequested) this.setStatus('waiting');
        this.events.queue?.(msg);
        break;
      case 'partial': {
        const key = this.key(msg.utterance);
        if (!this.finalized.has(key)) this.events.partial?.(msg, key);
        break;
      }
      case 'final': {
        const key = this.key(msg.utterance);
        if (this.finalized.has(key)) break;
        this.finalized.add(key);
        this.events.final?.(msg, key);
        break;
      }
      case 'end': {
        const ws = this.socket;
        this.socket = undefined;
        this.detach(ws);
        ws?.close(CloseCode.Normal);
        this.setStatus('ended');
        this.events.end?.();
        this.settle?.resolve();
        break;
      }
      case 'error': {
        const err = new AsrError(asErrorCode(msg.code), msg.message);
        if (RETRYABLE_CODES.has(msg.code)) {
          // The server closes the socket next; the close handler reconnects.
          this.lastError = err;
          this.events.error?.(err, false);
        } else {
          this.fail(err);
        }
        break;
      }
    }
  }

  private onSocketClosed(code: number, reason: string): void {
    if (this.isOver()) return;
    const fatal = FATAL_CLOSES.get(code);
    if (fatal) {
      this.fail(new AsrError(fatal, `server closed the connection (${code}${reason ? `: ${reason}` : ''})`));
      return;
    }
    if (this.attempts >= this.config.backoff.maxAttempts) {
      const why = this.lastError ? `: ${this.lastError.message}` : '';
      this.fail(new AsrError(this.lastError?.code ?? ErrorCode.BackendUnavailable, `cannot reach ${this.config.url} after ${this.attempts} attempts${why}`));
      return;
    }
    const delay = backoffDelay(this.config.backoff, this.attempts);
    this.attempts++;
    this.setStatus('reconnecting');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }

  private hold(pcm: Int16Array): void {
    this.pending.push(pcm);
    this.pendingBytes += pcm.byteLength;
    let dropped = 0;
    while (this.pendingBytes > this.config.maxBufferedBytes && this.pending.length > 0) {
      const old = this.pending.shift() as Int16Array;
      this.pendingBytes -= old.byteLength;
      dropped += old.byteLength;
    }
    if (dropped > 0) {
      // Report the first loss of each outage, never silently.
      if (this.droppedBytes === 0) {
        const seconds = this.config.maxBufferedBytes / (2 * this.config.sampleRate);
        this.events.error?.(new AsrError(ErrorCode.BufferOverflow, `disconnected for more than ${seconds.toFixed(0)} s of audio; the oldest audio is being dropped`), false);
      }
      this.droppedBytes += dropped;
    }
  }

  private flushPending(ws: WebSocketLike): void {
    for (const pcm of this.pending) ws.send(pcm);
    this.pending = [];
    this.pendingBytes = 0;
    this.droppedBytes = 0;
  }

  private key(utterance: number): string {
    return `${this.sessionId ?? ''}:${utterance}`;
  }

  private fail(err: AsrError): void {
    this.clearTimer();
    const ws = this.socket;
    this.socket = undefined;
    this.detach(ws);
    ws?.close(CloseCode.Normal);
    this.setStatus('failed');
    this.events.error?.(err, true);
    this.settle?.reject(err);
  }

  private detach(ws: WebSocketLike | undefined): void {
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Keep an error listener: `ws` throws an error event that nobody listens to.
    ws.onerror = () => undefined;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.state) return;
    this.state = s;
    this.events.status?.(s);
  }
}
