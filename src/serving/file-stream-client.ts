import WebSocket from 'ws';
import { AsrError } from '../shared/errors.ts';
import { decodeServerMessage } from '../shared/protocol/codec.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import type { FinalMessage, QueueStatusMessage, ServerMessage, StartMessage } from '../shared/protocol/messages.ts';
import { encodeSamples, type WavAudio } from './wav-reader.ts';

export interface FileStreamOptions {
  /** ws://host:port/v1/listen */
  url: string;
  token?: string;
  /** Send at real-time pace instead of as fast as the server takes it. */
  realtime?: boolean;
  /** Audio per binary frame. */
  chunkMs?: number;
  model?: string;
  /** Words or phrases the server's search should favour. */
  hotwords?: string[];
  onMessage?(message: ServerMessage): void;
}

export interface FileStreamResult {
  sessionId: string;
  finals: FinalMessage[];
  queue: QueueStatusMessage[];
  /** Finals joined with single spaces. */
  text: string;
  closeCode: number;
}

/**
 * Streams one decoded audio file through a gateway over protocol v1 and collects the finals.
 * Fast mode still respects TCP backpressure (waits for ws's send callback of each frame).
 */
export function streamFile(audio: WavAudio, options: FileStreamOptions): Promise<FileStreamResult> {
  const chunkSamples = Math.max(1, Math.round(((options.chunkMs ?? 100) / 1000) * audio.sampleRate));
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, { headers });
    const finals: FinalMessage[] = [];
    const queue: QueueStatusMessage[] = [];
    let sessionId = '';
    let failure: AsrError | undefined;
    let ended = false;

    const sendAudio = async (): Promise<void> => {
      const t0 = performance.now();
      for (let off = 0; off < audio.samples.length; off += chunkSamples) {
        if (ws.readyState !== ws.OPEN) return;
        const chunk = encodeSamples(audio.samples.subarray(off, off + chunkSamples), audio.format);
        await new Promise<void>((res, rej) => ws.send(chunk, (err) => (err ? rej(err) : res())));
        if (options.realtime) {
          const due = ((off + chunkSamples) / audio.sampleRate) * 1000;
          const wait = due - (performance.now() - t0);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'stop' }));
    };

    ws.on('unexpected-response', (_req, res) => {
      const retry = res.headers['retry-after'];
      const code = res.statusCode === 401 ? ErrorCode.Unauthorized : res.statusCode === 403 ? ErrorCode.Forbidden : ErrorCode.Overloaded;
      reject(new AsrError(code, `server refused the connection: HTTP ${res.statusCode}${retry ? ` (Retry-After: ${retry} s)` : ''}`));
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      const start: StartMessage = { type: 'start', sample_rate: audio.sampleRate, format: audio.format, channels: 1, ...(options.model && { model: options.model }), ...(options.hotwords?.length && { hotwords: options.hotwords }) };
      ws.send(JSON.stringify(start));
      sendAudio().catch(() => undefined); // a send failure shows up as the close below
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let m: ServerMessage;
      try {
        m = decodeServerMessage(data.toString());
      } catch {
        failure = new AsrError(ErrorCode.Internal, `unreadable server message: ${data.toString().slice(0, 100)}`);
        return;
      }
      options.onMessage?.(m);
      if (m.type === 'ready') sessionId = m.session_id;
      else if (m.type === 'queue_status') queue.push(m);
      else if (m.type === 'final') finals.push(m);
      else if (m.type === 'end') ended = true;
      else if (m.type === 'error') failure = new AsrError(m.code as ErrorCode, m.message);
    });
    ws.on('error', (err) => {
      failure ??= new AsrError(ErrorCode.BackendUnavailable, `cannot reach ${options.url}: ${err.message}`, { cause: err });
    });
    ws.on('close', (closeCode) => {
      if (ended && !failure) {
        const text = finals.map((f) => f.text).filter((t) => t !== '').join(' ');
        resolve({ sessionId, finals, queue, text, closeCode });
      } else {
        reject(failure ?? new AsrError(ErrorCode.Internal, `connection closed (${closeCode}) before the session ended`));
      }
    });
  });
}

