import type { RawData, WebSocket } from 'ws';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../shared/protocol/codec.ts';
import { closeCodeFor } from './close-codes.ts';
import { asBytes, asText, closeWith, sendIfOpen, type ConnectionContext } from './connection-context.ts';

/**
 * sherpa-onnx's online websocket server protocol (csrc/online-websocket-server-impl.cc), so its
 * clients work unchanged: binary frames are float32 little-endian samples (16 kHz, or
 * `?sample_rate=` — the server's --input-sample-rate), the text frame "Done" ends the input.
 * Results are OnlineRecognizerResult::AsJsonString() objects
 * {text, tokens, timestamps, ys_probs, lm_probs, context_scores, segment, words, start_time, is_final, is_eof},
 * sent when the text changes and at each endpoint (is_final: true); after the last result the
 * server sends the text "Done!" and closes. Errors: {"type":"error","code","message"} then the
 * protocol v1 close code.
 */
export const SHERPA_DONE = 'Done';
export const SHERPA_DONE_REPLY = 'Done!';

interface SherpaResult {
  text: string;
  tokens: string[];
  timestamps: number[];
  segment: number;
  startTime: number;
  isFinal: boolean;
  isEof: boolean;
}

function render(r: SherpaResult): string {
  return JSON.stringify({
    text: r.text,
    tokens: r.tokens,
    timestamps: r.timestamps.map((t) => Math.round(t * 100) / 100),
    ys_probs: [],
    lm_probs: [],
    context_scores: [],
    segment: r.segment,
    words: [],
    start_time: Math.round(r.startTime * 100) / 100,
    is_final: r.isFinal,
    is_eof: r.isEof,
  });
}

export function attachSherpaConnection(ws: WebSocket, ctx: ConnectionContext): void {
  const rateParam = ctx.queryParams.get('sample_rate');
  const sampleRate = rateParam === null ? 16000 : Number(rateParam);
  let lastSegment = 0;
  let pendingFinal: SherpaResult | undefined;
  const send = (r: SherpaResult): void => sendIfOpen(ws, render(r));

  const session = ctx.createSession({
    ready: () => undefined,
    queueStatus: () => undefined, // sherpa clients know no queue message: they wait silently
    partial: (utterance, text) => send({ text, tokens: [], timestamps: [], segment: utterance, startTime: 0, isFinal: false, isEof: false }),
    final: (r) => {
      // Hold each final back one step so the very last one can carry is_eof.
      if (pendingFinal) send(pendingFinal);
      lastSegment = r.utterance;
      pendingFinal = { text: r.text, tokens: r.tokens, timestamps: r.timestamps, segment: r.utterance, startTime: r.start, isFinal: true, isEof: false };
    },
    end: () => {
      send({ ...(pendingFinal ?? { text: '', tokens: [], timestamps: [], segment: lastSegment, startTime: 0, isFinal: true }), isEof: true, isFinal: true });
      sendIfOpen(ws, SHERPA_DONE_REPLY);
      closeWith(ws, 1000);
    },
    error: (code, message) => {
      sendIfOpen(ws, JSON.stringify({ type: 'error', code, message }));
      closeWith(ws, closeCodeFor(code), code);
    },
  });

  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    session.fail(ErrorCode.UnsupportedAudio, `sample_rate must be an integer in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}]`);
    return;
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      // sherpa's protocol has no start message: the first samples start the session.
      if (session.state === 'idle') session.start({ sampleRate, format: 'f32le' });
      return session.audio(asBytes(data));
    }
    const text = asText(data);
    if (text === SHERPA_DONE) return session.stop();
    session.fail(ErrorCode.UnknownMessage, `unexpected text frame (only "${SHERPA_DONE}" is known)`);
  });
  ws.on('close', () => session.disconnect());
}
