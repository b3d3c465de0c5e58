import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { WebSocketFactory } from '../src/shared/protocol/listen-client.ts';
import type { ServerMessage, StartMessage } from '../src/shared/protocol/messages.ts';

/** One server-side connection of a scripted protocol v1 peer. */
export interface Peer {
  ws: WebSocket;
  /** Request path and query, e.g. `/v1/listen?token=x`. */
  url: string;
  start: Promise<StartMessage>;
  stopped: Promise<void>;
  audioBytes(): number;
  send(msg: ServerMessage): void;
}

export interface PeerServer {
  url: string;
  peers: Peer[];
  close(): Promise<void>;
}

/**
 * A real WebSocket server on a loopback port that speaks protocol v1 as each test scripts it
 * (drops, resumes, repeats, queues), for testing clients against real sockets.
 */
export async function startProtocolPeerServer(onPeer: (peer: Peer, index: number) => void): Promise<PeerServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const peers: Peer[] = [];
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    let bytes = 0;
    let gotStart!: (m: StartMessage) => void;
    let gotStop!: () => void;
    const peer: Peer = {
      ws,
      url: req.url ?? '',
      start: new Promise((r) => (gotStart = r)),
      stopped: new Promise((r) => (gotStop = r)),
      audioBytes: () => bytes,
      send: (msg) => ws.send(JSON.stringify(msg)),
    };
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        bytes += data.length;
        return;
      }
      const msg = JSON.parse(data.toString()) as { type: string };
      if (msg.type === 'start') gotStart(msg as StartMessage);
      if (msg.type === 'stop') gotStop();
    });
    peers.push(peer);
    onPeer(peer, peers.length - 1);
  });
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let closed = false;
  return {
    url: `ws://127.0.0.1:${port}/v1/listen`,
    peers,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** `ws` as the client's WebSocket factory (same surface as the browser's). */
export const nodeWebSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<WebSocketFactory>;
