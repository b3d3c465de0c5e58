import type { RawData, WebSocket } from 'ws';
import type { Session, SessionOutput } from './session.ts';

/** What the gateway gives each protocol adapter for one accepted socket. */
export interface ConnectionContext {
  /** A new session in state idle, wired to admission, transport, metrics and this socket's flow control. */
  createSession(output: SessionOutput): Session;
  /** Server-side sample rate hint from the URL query (`?sample_rate=`), for protocols without a start message. */
  queryParams: URLSearchParams;
}

/** Sends when the socket is still open; a peer that went away is not an error here. */
export function sendIfOpen(ws: WebSocket, data: string): void {
  if (ws.readyState === ws.OPEN) ws.send(data);
}

/** Closes with a reason that fits a close frame (123 bytes). */
export function closeWith(ws: WebSocket, code: number, reason = ''): void {
  if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return;
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  ws.close(code, r);
}

/** A ws message as bytes, whatever binaryType delivered. */
export function asBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function asText(data: RawData): string {
  return Buffer.from(asBytes(data)).toString('utf8');
}
