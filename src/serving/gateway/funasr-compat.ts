import type { RawData, WebSocket } from 'ws';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { MAX_HOTWORD_LENGTH, MAX_HOTWORDS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../shared/protocol/codec.ts';
import type { FinalResult } from '../transport/inference-transport.ts';
import { closeCodeFor } from './close-codes.ts';
import { asBytes, asText, closeWith, sendIfOpen, type ConnectionContext } from './connection-context.ts';

/**
 * FunASR's websocket protocol (runtime/python/websocket/funasr_wss_server.py and the C++
 * funasr-wss-server-2pass), so FunASR clients work unchanged:
 * - first text frame: JSON {mode: 'online'|'offline'|'2pass', chunk_size, wav_name, is_speaking: true,
 *   wav_format: 'pcm', audio_fs, hotwords, itn, ...}; binary frames: PCM16 mono at audio_fs;
 *   text {"is_speaking": false} ends the input.
 * - results: {mode, text, wav_name, is_final, timestamp?}. Partials ('online' / '2pass-online') carry
 *   only the text added since the previous partial, as FunASR's streaming model does; finals
 *   ('offline' / '2pass-offline') carry the whole utterance. The last message after end of input
 *   has is_final: true (and is_end: true, which newer FunASR clients wait for); then the server closes.
 * Errors (FunASR has no error message) are {mode, text: '', wav_name, is_final: false, is_end: true,
 * error: 'ASR_ERR_…: message', code}, then the close code of protocol v1.
 */
export type FunAsrMode = 'online' | 'offline' | '2pass';

interface FunAsrState {
  mode: FunAsrMode;
  wavName: string;
  /** Text of the current utterance already sent as partial deltas. */
  sentPartial: string;
  lastFinal: FinalResult | undefined;
  pendingFinal: FinalResult | undefined;
}

function finalMode(mode: FunAsrMode): string {
  return mode === '2pass' ? '2pass-offline' : 'offline';
}

function partialMode(mode: FunAsrMode): string {
  return mode === '2pass' ? '2pass-online' : 'online';
}

/** FunASR's C++ server sends token times as a JSON string of [start_ms, end_ms] pairs. */
export function funAsrTimestamp(r: FinalResult): string | undefined {
  if (r.timestamps.length === 0) return undefined;
  const pairs = r.timestamps.map((t, i) => {
    const next = i + 1 < r.timestamps.length ? r.timestamps[i + 1] : Math.max(r.end, t);
    return [Math.round(t * 1000), Math.round(next * 1000)];
  });
  return JSON.stringify(pairs);
}

export function attachFunAsrConnection(ws: WebSocket, ctx: ConnectionContext): void {
  const state: FunAsrState = { mode: '2pass', wavName: 'microphone', sentPartial: '', lastFinal: undefined, pendingFinal: undefined };
  const send = (o: Record<string, unknown>): void => sendIfOpen(ws, JSON.stringify(o));

  const sendFinal = (r: FinalResult, last: boolean): void => {
    const ts = funAsrTimestamp(r);
    send({
      mode: finalMode(state.mode),
      text: r.text,
      wav_name: state.wavName,
      is_final: last,
      ...(ts !== undefined && { timestamp: ts }),
      ...(last && { is_end: true }),
    });
  };

  const session = ctx.createSession({
    ready: () => undefined,
    queueStatus: () => undefined, // FunASR clients know no queue message: they wait silently
    partial: (_utterance, text) => {
      if (state.mode === 'offline') return;
      // Streaming CTC/transducer text only grows within an utterance; send what is new.
      const delta = text.startsWith(state.sentPartial) ? text.slice(state.sentPartial.length) : text;
      state.sentPartial = text;
      if (delta !== '') send({ mode: partialMode(state.mode), text: delta, wav_name: state.wavName, is_final: false });
    },
    final: (r) => {
      if (state.mode === 'online' && r.text.startsWith(state.sentPartial) && r.text !== state.sentPartial) {
        send({ mode: 'online', text: r.text.slice(state.sentPartial.length), wav_name: state.wavName, is_final: false });
      }
      state.sentPartial = '';
      // Hold each final back one step so the last one can carry is_final: true.
      if (state.pendingFinal && state.mode !== 'online') sendFinal(state.pendingFinal, false);
      state.pendingFinal = r;
    },
    end: () => {
      const last = state.pendingFinal ?? { sessionId: session.id, utterance: 0, text: '', start: 0, end: 0, tokens: [], timestamps: [] };
      if (state.mode === 'online') send({ mode: 'online', text: '', wav_name: state.wavName, is_final: true, is_end: true });
      else sendFinal(last, true);
      closeWith(ws, 1000);
    },
    error: (code, message) => {
      send({ mode: finalMode(state.mode), text: '', wav_name: state.wavName, is_final: false, is_end: true, error: `${code}: ${message}`, code });
      closeWith(ws, closeCodeFor(code), code);
    },
  });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return session.audio(asBytes(data));
    let msg: unknown;
    try {
      msg = JSON.parse(asText(data));
    } catch {
      return session.fail(ErrorCode.BadRequest, 'message is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return session.fail(ErrorCode.BadRequest, 'message must be a JSON object');
    const m = msg as Record<string, unknown>;
    if (session.state === 'idle' && m.is_speaking !== false) {
      if (m.mode !== undefined) {
        if (m.mode !== 'online' && m.mode !== 'offline' && m.mode !== '2pass') return session.fail(ErrorCode.BadRequest, 'mode must be online, offline or 2pass');
        state.mode = m.mode;
      }
      if (typeof m.wav_name === 'string') state.wavName = m.wav_name;
      const rate = m.audio_fs ?? 16000;
      if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
        return session.fail(ErrorCode.UnsupportedAudio, `audio_fs must be an integer in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}]`);
      }
      if (m.wav_format !== undefined && m.wav_format !== 'pcm') {
        return session.fail(ErrorCode.UnsupportedAudio, 'wav_format must be "pcm" (raw 16-bit mono samples)');
      }
      const hotwords = funasrHotwords(m.hotwords);
      return session.start({ sampleRate: rate, format: 'pcm_s16le', ...(hotwords.length > 0 && { hotwords }) });
    }
    if (m.is_speaking === false || m.is_finished === true) session.stop();
    // Other control messages (chunk_interval, hotword updates mid-session) change nothing here.
  });
  ws.on('close', () => session.disconnect());
}

/**
 * FunASR clients send `hotwords` as a string: the JSON of `{"phrase": weight, ...}` (its client
 * reads a "phrase weight" file), or plain space-separated words. Weights are not used (Earshot's
 * bonus is per character); the protocol's limits apply, excess entries are dropped.
 */
export function funasrHotwords(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  let phrases: string[];
  try {
    const parsed: unknown = JSON.parse(value);
    phrases = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : value.split(/\s+/);
  } catch {
    phrases = value.split(/\s+/);
  }
  return phrases
    .map((p) => p.trim())
    .filter((p) => p !== '' && p.length <= MAX_HOTWORD_LENGTH)
    .slice(0, MAX_HOTWORDS);
}
