import { aggregateOutcomes, runLoad, type LoadResult } from '../load/load-runner.ts';
import { ProcessSampler } from '../load/process-sampler.ts';
import type { BenchReport, Check } from '../report/bench-report.ts';
import { startRedisServer } from '../../test-support/redis-server.ts';
import { baseReport, finishReport, type ScenarioContext } from './scenario-context.ts';
import { startEarshot, type ServerProcess } from './serve-process.ts';

export interface ChaosOptions {
  /** Streams started evenly over the duration. */
  sessions: number;
  durationS: number;
  /** A random worker is killed with SIGKILL this often, and restarted a second later. */
  killEveryS: number;
  gateways: number;
  workers: number;
  /** A final later than this after the end of speech counts as late. */
  lateMs: number;
}

const GATEWAY_READY = /"event":"listening","url":"(wss?:\/\/[^"]+)"/;
const WORKER_READY = /"event":"ready"/;

/**
 * Cluster mode under fire: redis-server + gateways + workers as separate processes, real-time
 * streams through every gateway, and a random worker killed (kill -9) every few seconds and then
 * restarted. Counts finals lost, delivered twice, and late.
 */
export async function runChaos(ctx: ScenarioContext, o: ChaosOptions): Promise<BenchReport> {
  const report = baseReport(ctx, 'chaos', { ...o });
  const redis = await startRedisServer();
  const common = ['--redis-url', redis.url, '--log-level', 'warn'];
  const workerArgs = ['worker', ...common, '--model', ctx.serve.model, '--workers', '1', '--metrics-host', '127.0.0.1'];
  workerArgs.push('--decoding', ctx.serve.decoding);
  if (ctx.serve.threads !== undefined) workerArgs.push('--threads', String(ctx.serve.threads));
  const startWorker = (): Promise<ServerProcess> => startEarshot({ args: workerArgs, readyPattern: WORKER_READY, portFlag: '--metrics-port' });
  const gateways: ServerProcess[] = [];
  const workers: ServerProcess[] = [];
  let kills = 0;
  let killTimer: NodeJS.Timeout | undefined;
  const sampler = new ProcessSampler(() => [redis.pid, ...gateways.map((g) => g.pid), ...workers.map((w) => w.pid)]);
  try {
    for (let i = 0; i < o.workers; i++) workers.push(await startWorker());
    for (let i = 0; i < o.gateways; i++) gateways.push(await startEarshot({ args: ['gateway', ...common, '--host', '127.0.0.1'], readyPattern: GATEWAY_READY }));
    ctx.log(`[chaos] redis ${redis.url}, ${gateways.length} gateway(s), ${workers.length} workers up`);
    sampler.start();
    let killing = false;
    killTimer = setInterval(() => {
      if (killing) return;
      killing = true;
      const i = Math.floor(Math.random() * workers.length);
      process.kill(workers[i].pid, 'SIGKILL');
      kills++;
      ctx.log(`[chaos] kill -9 worker ${i} (pid ${workers[i].pid})`);
      setTimeout(() => {
        startWorker().then(
          (w) => {
            workers[i] = w;
            killing = false;
          },
          (err: unknown) => {
            ctx.log(`[chaos] worker ${i} did not restart: ${String(err)}`);
            killing = false;
          },
        );
      }, 1000);
    }, o.killEveryS * 1000);
    const perGateway = Math.ceil(o.sessions / gateways.length);
    const results = await Promise.all(
      gateways.map((g, i) =>
        runLoad({
          url: g.url,
          sessions: Math.min(perGateway, o.sessions - i * perGateway),
          spreadMs: o.durationS * 1000,
          clips: ctx.clips,
          sampleRate: 16000,
          frameMs: ctx.frameMs,
          pace: 'realtime',
          timeoutMs: ctx.timeoutMs,
        }),
      ),
    );
    clearInterval(killTimer);
    const result = mergeResults(results);
    const lost = result.sessions - result.succeeded;
    const late = result.outcomes.filter((x) => x.success && (x.finalLatencyMs ?? 0) > o.lateMs).length;
    report.runs.push({
      variant: 'earshot cluster',
      description: `${o.gateways} gateway(s) + ${o.workers} workers + redis, one worker killed every ${o.killEveryS} s`,
      result,
      resources: sampler.samples,
      peakRssMb: sampler.peakRssMb(),
      meanCpuPercent: sampler.meanCpuPercent(),
      extra: { kills, lost, duplicated: result.duplicateFinals, late },
    });
    const checks: Check[] = [
      { name: 'finals lost (sessions without their final)', target: '0', measured: String(lost), pass: lost === 0 },
      { name: 'finals delivered twice', target: '0', measured: String(result.duplicateFinals), pass: result.duplicateFinals === 0 },
      { name: `finals later than ${o.lateMs} ms after the end of speech`, target: 'reported', measured: `${late} of ${result.succeeded}`, pass: true },
    ];
    report.checks = checks;
    ctx.log(`[chaos] ${kills} kills: lost ${lost}, duplicated ${result.duplicateFinals}, late ${late}`);
    return finishReport(report);
  } finally {
    clearInterval(killTimer);
    sampler.stop();
    await Promise.all([...gateways, ...workers].map((p) => p.stop()));
    await redis.stop();
  }
}

function mergeResults(results: LoadResult[]): LoadResult {
  const outcomes = results.flatMap((r) => r.outcomes.map((x) => ({ ...x })));
  // Per-gateway runs number their sessions from 0; audio per session is not kept, so share it out.
  const seconds = results.flatMap((r) => r.outcomes.map(() => r.audioSeconds / Math.max(1, r.outcomes.length)));
  outcomes.forEach((x, id) => (x.id = id));
  return aggregateOutcomes(outcomes, seconds, Math.max(...results.map((r) => r.wallMs)));
}
