import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

/** How an idle client holds its connection. */
export type IdleKind = 'ws' | 'headers';

export interface IdleSockets {
  /** Connections the server accepted and still holds open. */
  open(): number;
  refused: number;
  close(): void;
}

/**
 * Opens `count` connections that then do nothing: 'ws' completes the WebSocket handshake and
 * never sends `start`; 'headers' sends half an HTTP upgrade request and never finishes it (the
 * classic slow loris). Resolves once every attempt connected or failed.
 */
export async function openIdleSockets(url: string, count: number, kind: IdleKind, batch = 100): Promise<IdleSockets> {
  const u = new URL(url);
  const held: (WebSocket | Socket)[] = [];
  let refused = 0;
  const openOne = (): Promise<void> =>
    new Promise((resolve) => {
      if (kind === 'ws') {
        const ws = new WebSocket(url);
        ws.once('open', () => {
          held.push(ws);
          resolve();
        });
        ws.once('unexpected-response', () => {
          refused++;
          resolve();
        });
        ws.once('error', () => {
          refused++;
          resolve();
        });
        return;
      }
      const socket = connect(Number(u.port), u.hostname, () => {
        socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n`);
        held.push(socket);
        resolve();
      });
      socket.once('error', () => {
        refused++;
        resolve();
      });
    });
  // In batches: the point is many idle sockets, not a connect storm (that is the herd scenario).
  for (let i = 0; i < count; i += batch) await Promise.all(Array.from({ length: Math.min(batch, count - i) }, openOne));
  return {
    open: () => held.filter((s) => (s instanceof WebSocket ? s.readyState === WebSocket.OPEN : !s.destroyed)).length,
    refused,
    close: () => {
      for (const s of held) {
        if (s instanceof WebSocket) s.terminate();
        else s.destroy();
      }
    },
  };
}
