import { Counter, Gauge, type Registry } from 'prom-client';

/** Series only the Redis cluster has (gateway and worker side); beside ServingMetrics on one registry. */
export class ClusterMetrics {
  readonly workerSessions: Gauge;
  readonly sessionsClaimed: Counter<'kind'>;
  readonly fenced: Counter;
  readonly resultsPublished: Counter<'type'>;
  readonly duplicateFinals: Counter;
  readonly suppressedPartials: Counter;
  readonly redisErrors: Counter<'role'>;
  readonly redisConnected: Gauge<'role'>;
  readonly liveWorkers: Gauge;
  readonly clusterCapacity: Gauge;
  readonly clusterWaiting: Gauge;
  readonly clusterActive: Gauge;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.workerSessions = new Gauge({ name: 'earshot_cluster_worker_sessions', help: 'Sessions whose decoder state lives on this worker', registers });
    this.sessionsClaimed = new Counter({ name: 'earshot_cluster_sessions_claimed_total', help: 'Sessions this worker took over, new or replayed after a worker died', labelNames: ['kind'], registers });
    this.fenced = new Counter({ name: 'earshot_cluster_fenced_total', help: 'Times this process found itself declared dead and dropped its sessions', registers });
    this.resultsPublished = new Counter({ name: 'earshot_cluster_results_published_total', help: 'Results a worker published to gateways, by type', labelNames: ['type'], registers });
    this.duplicateFinals = new Counter({ name: 'earshot_cluster_duplicate_finals_total', help: 'Finals dropped by the gateway because they were already delivered (replay)', registers });
    this.suppressedPartials = new Counter({ name: 'earshot_cluster_suppressed_partials_total', help: 'Partials dropped by the gateway because they went backwards (replay)', registers });
    this.redisErrors = new Counter({ name: 'earshot_cluster_redis_errors_total', help: 'Failed Redis operations', labelNames: ['role'], registers });
    this.redisConnected = new Gauge({ name: 'earshot_cluster_redis_connected', help: '1 while the Redis connection is ready', labelNames: ['role'], registers });
    this.liveWorkers = new Gauge({ name: 'earshot_cluster_workers', help: 'Live workers (as this process last saw)', registers });
    this.clusterCapacity = new Gauge({ name: 'earshot_cluster_capacity_streams', help: 'Sum of live workers\u2019 published capacity', registers });
    this.clusterWaiting = new Gauge({ name: 'earshot_cluster_sessions_waiting', help: 'Sessions in the global waiting room', registers });
    this.clusterActive = new Gauge({ name: 'earshot_cluster_sessions_active', help: 'Sessions admitted cluster-wide', registers });
  }
}
