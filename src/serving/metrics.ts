import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every Prometheus series the serving side exports, registered on an injected Registry
 * (no global default registry, so several gateways can live in one process, e.g. in tests).
 */
export class ServingMetrics {
  readonly connections: Gauge;
  readonly connectionsTotal: Counter<'endpoint'>;
  readonly handshakeRejections: Counter<'reason'>;
  readonly activeSessions: Gauge;
  readonly waitingSessions: Gauge;
  readonly rejectedSessions: Counter<'code'>;
  readonly sessionsTotal: Counter<'outcome'>;
  readonly queueWait: Histogram;
  readonly capacity: Gauge;
  readonly batchSize: Histogram;
  readonly decodeLatency: Histogram;
  readonly realTimeFactor: Histogram;
  readonly workerUtilization: Gauge<'worker'>;
  readonly audioSeconds: Counter;
  readonly finals: Counter;
  readonly pausedSockets: Gauge;
  readonly backpressurePauses: Counter;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.connections = new Gauge({ name: 'earshot_connections', help: 'Open WebSocket connections', registers });
    this.connectionsTotal = new Counter({ name: 'earshot_connections_total', help: 'WebSocket connections accepted', labelNames: ['endpoint'], registers });
    this.handshakeRejections = new Counter({ name: 'earshot_handshake_rejections_total', help: 'Upgrades refused before the WebSocket opened', labelNames: ['reason'], registers });
    this.activeSessions = new Gauge({ name: 'earshot_sessions_active', help: 'Sessions being decoded', registers });
    this.waitingSessions = new Gauge({ name: 'earshot_sessions_waiting', help: 'Sessions in the waiting room', registers });
    this.rejectedSessions = new Counter({ name: 'earshot_sessions_rejected_total', help: 'Sessions refused or cut, by error code', labelNames: ['code'], registers });
    this.sessionsTotal = new Counter({ name: 'earshot_sessions_total', help: 'Sessions finished, by outcome', labelNames: ['outcome'], registers });
    this.queueWait = new Histogram({
      name: 'earshot_queue_wait_seconds',
      help: 'Time from start to admission',
      buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.capacity = new Gauge({ name: 'earshot_capacity_streams', help: 'Real-time streams decoded at once (admission limit)', registers });
    this.batchSize = new Histogram({
      name: 'earshot_batch_size',
      help: 'Streams per batched decode call',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.decodeLatency = new Histogram({
      name: 'earshot_decode_seconds',
      help: 'Wall time of one batched decode call',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.realTimeFactor = new Histogram({
      name: 'earshot_real_time_factor',
      help: 'Decode wall time / audio time decoded, per batch (below 1 is faster than real time)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    this.workerUtilization = new Gauge({ name: 'earshot_worker_utilization', help: 'Fraction of wall time a worker spent decoding (last interval)', labelNames: ['worker'], registers });
    this.audioSeconds = new Counter({ name: 'earshot_audio_seconds_total', help: 'Seconds of audio decoded', registers });
    this.finals = new Counter({ name: 'earshot_finals_total', help: 'Final results delivered', registers });
    this.pausedSockets = new Gauge({ name: 'earshot_sockets_paused', help: 'Client sockets paused by backpressure', registers });
    this.backpressurePauses = new Counter({ name: 'earshot_backpressure_pauses_total', help: 'Times a client socket was paused because its undecoded audio was over the bound', registers });
  }
}
