import type { RawData, WebSocket } from 'ws';
import { decodeClientMessage, encodeServerMessage } from '../../shared/protocol/codec.ts';
import { CloseCode } from '../../shared/protocol/error-codes.ts';
import type { ServerMessage } from '../../shared/protocol/messages.ts';
import { closeCodeFor } from './close-codes.ts';
import { asBytes, asText, closeWith, sendIfOpen, type ConnectionContext } from './connection-context.ts';

/** protocol v1 (`/v1/listen`): JSON control messages, binary audio in the announced format. */
export function attachV1Connection(ws: WebSocket, ctx: ConnectionContext): void {
  const send = (m: ServerMessage): void => sendIfOpen(ws, encodeServerMessage(m));
  const session = ctx.createSession({
    ready: (sessionId, model) => send({ type: 'ready', session_id: sessionId, model }),
    queueStatus: (s) => send({ type: 'queue_status', position: s.position, pending: s.pending, eta_ms: s.eta_ms }),
    partial: (utterance, text) => send({ type: 'partial', utterance, text }),
    final: (r) => send({ type: 'final', utterance: r.utterance, text: r.text, start: r.start, end: r.end, tokens: r.tokens, timestamps: r.timestamps }),
    end: () => {
      send({ type: 'end' });
      closeWith(ws, CloseCode.Normal);
    },
    error: (code, message) => {
      send({ type: 'error', code, message });
      closeWith(ws, closeCodeFor(code), code);
    },
  });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return session.audio(asBytes(data));
    const decoded = decodeClientMessage(asText(data));
    if (!decoded.ok) return session.fail(decoded.code, decoded.message);
    const m = decoded.message;
    if (m.type === 'start') session.start({ sampleRate: m.sample_rate, format: m.format, model: m.model, hotwords: m.hotwords });
    else session.stop();
  });
  ws.on('close', () => session.disconnect());
}
