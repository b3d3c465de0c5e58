import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { isAsrError } from '../../shared/errors.ts';
import type { HandshakeAuthenticator } from '../auth/handshake-auth.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { PROTOCOL_PATH } from '../../shared/protocol/messages.ts';
import type { ServingMetrics } from '../metrics.ts';
import type { ServingConfig } from '../serving-config.ts';
import type { InferenceTransport } from '../transport/inference-transport.ts';
import { AdmissionController, type AdmissionControl } from './admission-controller.ts';
import type { ConnectionContext } from './connection-context.ts';
import { attachFunAsrConnection } from './funasr-compat.ts';
import { Session, type SessionOutput } from './session.ts';
import { attachSherpaConnection } from './sherpa-compat.ts';
import { serveStatic } from './static-files.ts';
import { attachV1Connection } from './v1-connection.ts';
import { InMemoryWaitingRoom } from './waiting-room.ts';

export const FUNASR_PATH = '/funasr';
export const SHERPA_PATH = '/sherpa';

type Protocol = 'v1' | 'funasr' | 'sherpa';

const ATTACH: Record<Protocol, (ws: WebSocket, ctx: ConnectionContext) => void> = {
  v1: attachV1Connection,
  funasr: attachFunAsrConnection,
  sherpa: attachSherpaConnection,
};

export interface GatewayOptions {
  config: ServingConfig;
  transport: InferenceTransport;
  logger: Logger;
  metrics: ServingMetrics;
  /** Default: in-memory FIFO admission up to the transport's capacity (unbounded in serial mode). */
  admission?: AdmissionControl;
  /** Optional: Bearer header or ?token= checked before the upgrade (401/403/429 on refusal). */
  auth?: HandshakeAuthenticator;
  /** PEM certificate and key: serve https/wss instead of http/ws. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

interface Tracked {
  session?: Session;
  alive: boolean;
}

/**
 * One port for everything: GET /healthz, /readyz, /metrics, the static web UI, and WebSockets
 * on /v1/listen (protocol v1), /funasr and /sherpa (compat). Overload is refused at the handshake
 * with HTTP 503 + Retry-After, before any WebSocket exists.
 */
export class GatewayServer {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly admission: AdmissionControl;
  private readonly sockets = new Map<WebSocket, Tracked>();
  private readonly sessions = new Map<string, Session>();
  private readonly timers: NodeJS.Timeout[] = [];
  private queueFlushScheduled = false;
  private shuttingDown = false;
  private readonly metrics: ServingMetrics;

  constructor(private readonly options: GatewayOptions) {
    const { config, transport, metrics } = options;
    this.metrics = metrics;
    this.admission =
      options.admission ??
      new AdmissionController({
        capacity: config.pool.serial ? () => Number.POSITIVE_INFINITY : () => transport.capacity,
        maxWaiting: config.maxWaiting,
        waitingRoom: new InMemoryWaitingRoom(),
        initialSessionEstimateMs: config.initialSessionEstimateMs,
        onQueueChanged: () => this.scheduleQueueFlush(),
      });
    transport.onCapacityChange((capacity) => {
      metrics.capacity.set(capacity);
      if (this.admission instanceof AdmissionController) this.admission.pump();
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxFrameBytes,
      perMessageDeflate: false,
      // FunASR clients ask for the "binary" subprotocol.
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handleHttp(req, res);
    this.server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  /** Starts listening (the transport may still be loading: /readyz says when it is up). */
  async listen(): Promise<{ port: number; host: string; url: string }> {
    const { host, port } = this.options.config;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.timers.push(setInterval(() => this.heartbeat(), this.options.config.pingIntervalMs));
    this.timers.push(setInterval(() => this.broadcastQueueStatus(), this.options.config.queueStatusIntervalMs));
    for (const t of this.timers) t.unref();
    const scheme = this.options.tls ? 'wss' : 'ws';
    return { port: addr.port, host: addr.address, url: `${scheme}://${shownHost}:${addr.port}${PROTOCOL_PATH}` };
  }

  get admissionControl(): AdmissionControl {
    return this.admission;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.reply(res, 405, { error: 'method not allowed' });
      if (pathname === '/healthz') return this.reply(res, 200, { status: 'ok' });
      if (pathname === '/readyz') {
        const ready = this.options.transport.ready && !this.shuttingDown;
        return this.reply(res, ready ? 200 : 503, {
          ready,
          capacity: this.options.transport.capacity,
          active: this.admission.activeCount,
          waiting: this.admission.waitingCount,
          connections: this.sockets.size,
        });
      }
      if (pathname === '/metrics') {
        const body = await this.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
        return void res.end(body);
      }
      if (this.options.config.webRoot && (await serveStatic(this.options.config.webRoot, req, res))) return;
      this.reply(res, 404, { error: 'not found' });
    } catch (err) {
      this.options.logger.error({ err }, 'http handler failed');
      if (!res.headersSent) this.reply(res, 500, { error: 'internal error' });
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private protocolFor(pathname: string): Protocol | undefined {
    if (pathname === PROTOCOL_PATH) return 'v1';
    if (pathname === FUNASR_PATH) return 'funasr';
    if (pathname === SHERPA_PATH) return 'sherpa';
    const root = this.options.config.rootProtocol;
    if (pathname === '/' && root !== 'none') return root;
    return undefined;
  }

  /** Answers a refused upgrade with a plain HTTP response, before any WebSocket exists. */
  private refuse(socket: Socket, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
    this.metrics.handshakeRejections.inc({ reason: code });
    const body = JSON.stringify({ type: 'error', code, message });
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'Connection: close',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    if (socket.writable) socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
    else socket.destroy();
  }

  private async handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const protocol = this.protocolFor(url.pathname);
    if (!protocol) return this.refuse(socket, 404, ErrorCode.BadRequest, `no WebSocket endpoint at ${url.pathname}`);
    if (this.shuttingDown) return this.refuse(socket, 503, ErrorCode.ShuttingDown, 'the server is shutting down', { 'Retry-After': '5' });
    if (!this.options.transport.ready) return this.refuse(socket, 503, ErrorCode.Overloaded, 'the server is starting', { 'Retry-After': '2' });
    if (this.sockets.size >= this.options.config.maxConnections || this.admission.overloaded()) {
      const retry = String(this.admission.retryAfterSeconds());
      return this.refuse(socket, 503, ErrorCode.Overloaded, 'the server is overloaded; retry later', { 'Retry-After': retry });
    }
    if (this.options.auth) {
      try {
        // The request itself: per-connection grants (stream quotas) end when its socket closes.
        await this.options.auth.authenticate(req);
      } catch (err) {
        const status = (err as { httpStatus?: unknown }).httpStatus;
        const code = isAsrError(err) ? err.code : ErrorCode.Unauthorized;
        const http = typeof status === 'number' ? status : code === ErrorCode.Forbidden ? 403 : 401;
        const extra: Record<string, string> = http === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
        return this.refuse(socket, http, code, err instanceof Error ? err.message : 'unauthorized', extra);
      }
      if (socket.destroyed) return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, protocol, url.searchParams));
  }

  private accept(ws: WebSocket, protocol: Protocol, queryParams: URLSearchParams): void {
    const tracked: Tracked = { alive: true };
    this.sockets.set(ws, tracked);
    this.metrics.connections.set(this.sockets.size);
    this.metrics.connectionsTotal.inc({ endpoint: protocol });
    ws.on('pong', () => (tracked.alive = true));
    ws.on('error', (err: Error & { code?: string }) => {
      // ws already closed the socket (1009 for oversized frames, 1002 for protocol errors).
      const code = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? ErrorCode.FrameTooLarge : ErrorCode.BadRequest;
      this.options.logger.info({ session: tracked.session?.id, code, err: err.message }, 'websocket protocol error');
      this.metrics.rejectedSessions.inc({ code });
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.metrics.connections.set(this.sockets.size);
    });
    const ctx: ConnectionContext = {
      queryParams,
      createSession: (output: SessionOutput) => {
        const session = this.createSession(ws, output);
        tracked.session = session;
        return session;
      },
    };
    ATTACH[protocol](ws, ctx);
  }

  private createSession(ws: WebSocket, output: SessionOutput): Session {
    const { config, transport, logger } = this.options;
    const session = new Session({
      id: randomUUID(),
      transport,
      admission: this.admission,
      output,
      input: { pause: () => ws.pause(), resume: () => ws.resume() },
      limits: {
        waitingBufferSeconds: config.waitingBufferSeconds,
        waitingBufferBytes: config.waitingBufferBytes,
        maxBacklogSeconds: config.maxBacklogSeconds,
        idleTimeoutMs: config.idleTimeoutMs,
      },
      defaultModel: config.pool.modelName,
      logger,
      metrics: this.metrics,
      onClosed: (s) => this.sessions.delete(s.id),
    });
    this.sessions.set(session.id, session);
    return session;
  }

  /** ws-style keep-alive: a socket that missed the previous pong is dropped. Paused sockets cannot read pongs. */
  private heartbeat(): void {
    for (const [ws, tracked] of this.sockets) {
      if (ws.isPaused) continue;
      if (!tracked.alive) {
        this.options.logger.info({ session: tracked.session?.id }, 'peer missed a pong; dropping it');
        ws.terminate();
        continue;
      }
      tracked.alive = false;
      ws.ping();
    }
  }

  private scheduleQueueFlush(): void {
    if (this.queueFlushScheduled) return;
    this.queueFlushScheduled = true;
    setImmediate(() => {
      this.queueFlushScheduled = false;
      this.broadcastQueueStatus();
    });
  }

  private broadcastQueueStatus(): void {
    for (const id of this.admission.waitingIds()) this.sessions.get(id)?.sendQueueStatus();
    this.metrics.waitingSessions.set(this.admission.waitingCount);
    this.metrics.activeSessions.set(this.admission.activeCount);
  }

  /**
   * Graceful shutdown: refuse new connections, cut waiting sessions (ASR_ERR_SHUTTING_DOWN),
   * let decoding ones flush their finals for up to `graceMs`, then close everything.
   */
  async shutdown(graceMs = this.options.config.shutdownGraceMs): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of [...this.sessions.values()]) s.shutdown();
    const deadline = Date.now() + graceMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const s of [...this.sessions.values()]) s.fail(ErrorCode.ShuttingDown, 'the server shut down before this session finished');
    // Give close frames a moment to leave, then drop what remains.
    const drainDeadline = Date.now() + 1000;
    while (this.sockets.size > 0 && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.sockets.keys()) ws.terminate();
    for (const t of this.timers) clearInterval(t);
    this.wss.close();
    this.server.closeAllConnections();
    await closed;
  }
}
