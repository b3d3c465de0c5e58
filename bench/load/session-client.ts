import WebSocket from 'ws';
import type { ServerMessage } from '../../src/shared/protocol/messages.ts';

/** What one benchmark session measured. Times are milliseconds from the session's connect attempt. */
export interface SessionOutcome {
  id: number;
  /** Wall-clock start (ms since the run started), for queue-wait-over-time plots. */
  startedAt: number;
  success: boolean;
  /** HTTP status of a refused handshake (e.g. 503), if any. */
  rejectedStatus?: number;
  retryAfterS?: number;
  errorCode?: string;
  timedOut: boolean;
  connectMs?: number;
  /** Connect → `ready` (includes the waiting room). */
  readyMs?: number;
  /** Time spent in the waiting room (first queue_status → ready), 0 if admitted at once. */
  queueWaitMs: number;
  maxQueuePosition: number;
  /** First audio sent → first partial with text. */
  firstPartialMs?: number;
  /** `stop` sent (end of speech) → `end` received. */
  finalLatencyMs?: number;
  totalMs?: number;
  /** Connect attempt → first answer of any kind (HTTP refusal, ready, queue_status, error). */
  firstResponseMs?: number;
  finals: number;
  /** Finals whose utterance index had already been finalized (must stay 0: exactly-once). */
  duplicateFinals: number;
  /** Highest utterance index finalized, -1 if none. */
  lastUtterance: number;
  text: string;
}

export interface SessionOptions {
  url: string;
  token?: string;
  /** 16 kHz mono PCM16 audio to stream. */
  audio: Int16Array;
  sampleRate: number;
  /** 'realtime' streams at the audio's own pace; 'fast' sends everything at once. */
  pace: 'realtime' | 'fast';
  frameMs: number;
  timeoutMs: number;
  id: number;
  runStart: number;
}

/** Runs one protocol v1 session end to end, never throws: failures are recorded in the outcome. */
export function runSession(opts: SessionOptions): Promise<SessionOutcome> {
  const t0 = performance.now();
  const since = (): number => performance.now() - t0;
  const outcome: SessionOutcome = {
    id: opts.id,
    startedAt: t0 - opts.runStart,
    success: false,
    timedOut: false,
    queueWaitMs: 0,
    maxQueuePosition: 0,
    finals: 0,
    duplicateFinals: 0,
    lastUtterance: -1,
    text: '',
  };
  const finalized = new Set<number>();
  const answered = (): void => {
    outcome.firstResponseMs ??= since();
  };
  return new Promise((resolve) => {
    const headers = opts.token ? { authorization: `Bearer ${opts.token}` } : undefined;
    const ws = new WebSocket(opts.url, { headers, handshakeTimeout: opts.timeoutMs });
    let pump: NodeJS.Timeout | undefined;
    let firstQueueAt: number | undefined;
    let firstAudioAt: number | undefined;
    let stopAt: number | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(pump);
      outcome.totalMs = since();
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      outcome.timedOut = true;
      finish();
    }, opts.timeoutMs);

    ws.on('unexpected-response', (_req, res) => {
      answered();
      outcome.rejectedStatus = res.statusCode;
      const retry = Number(res.headers['retry-after']);
      if (Number.isFinite(retry)) outcome.retryAfterS = retry;
      res.resume();
      finish();
    });
    ws.on('error', (err) => {
      outcome.errorCode ??= (err as NodeJS.ErrnoException).code ?? 'SOCKET_ERROR';
      finish();
    });
    ws.on('close', () => finish());

    const frameSamples = Math.max(1, Math.round((opts.sampleRate * opts.frameMs) / 1000));
    let offset = 0;
    const sendFrames = (): void => {
      if (done || ws.readyState !== WebSocket.OPEN) return;
      if (firstAudioAt === undefined) firstAudioAt = since();
      // Real-time pace: each frame leaves when its audio would have been spoken.
      const due = opts.pace === 'fast' ? opts.audio.length : Math.min(opts.audio.length, Math.floor(((since() - firstAudioAt) / 1000) * opts.sampleRate) + frameSamples);
      while (offset < due) {
        const end = Math.min(offset + frameSamples, due);
        const chunk = opts.audio.subarray(offset, end);
        ws.send(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        offset = end;
      }
      if (offset >= opts.audio.length) {
        stopAt = since();
        ws.send(JSON.stringify({ type: 'stop' }));
        return;
      }
      pump = setTimeout(sendFrames, opts.frameMs);
    };

    ws.on('open', () => {
      outcome.connectMs = since();
      ws.send(JSON.stringify({ type: 'start', sample_rate: opts.sampleRate, format: 'pcm_s16le', channels: 1 }));
      sendFrames();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(data.toString()) as ServerMessage;
      } catch {
        return;
      }
      answered();
      switch (msg.type) {
        case 'queue_status':
          firstQueueAt ??= since();
          outcome.maxQueuePosition = Math.max(outcome.maxQueuePosition, msg.position);
          break;
        case 'ready':
          outcome.readyMs = since();
          if (firstQueueAt !== undefined) outcome.queueWaitMs = outcome.readyMs - firstQueueAt;
          break;
        case 'partial':
          if (msg.text && outcome.firstPartialMs === undefined && firstAudioAt !== undefined) {
            outcome.firstPartialMs = since() - firstAudioAt;
          }
          break;
        case 'final':
          outcome.finals += 1;
          if (finalized.has(msg.utterance)) outcome.duplicateFinals += 1;
          finalized.add(msg.utterance);
          outcome.lastUtterance = Math.max(outcome.lastUtterance, msg.utterance);
          if (msg.text) outcome.text = outcome.text ? `${outcome.text} ${msg.text}` : msg.text;
          break;
        case 'error':
          outcome.errorCode = msg.code;
          break;
        case 'end':
          if (stopAt !== undefined) outcome.finalLatencyMs = since() - stopAt;
          outcome.success = outcome.errorCode === undefined;
          finish();
          break;
      }
    });
  });
}
