/**
 * Cluster benchmark (never part of the test run): a private redis-server, W `earshot worker`
 * processes, G `earshot gateway` processes, and S concurrent real-time protocol v1 sessions spread
 * over the gateways; optionally kill -9 one worker mid-run (failover cost). Prints one JSON report.
 *
 *   node --import tsx bench/cluster/cluster-bench.ts --model .fixtures/nemo-ctc --workers 2 \
 *     --gateways 2 --sessions 24 --seconds 6 [--capacity 12] [--kill-after-ms 3000]
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { spawnEarshot, type EarshotProcess } from '../../test-support/cluster-harness.ts';
import { SPEECH } from '../../test-support/fixture-paths.ts';
import { startRedisServer } from '../../test-support/redis-server.ts';
import { readWavFile } from '../../src/serving/wav-reader.ts';
import { runLoad } from '../load/load-runner.ts';

const { values: o } = parseArgs({
  options: {
    model: { type: 'string', default: '.fixtures/nemo-ctc' },
    workers: { type: 'string', default: '2' },
    gateways: { type: 'string', default: '2' },
    sessions: { type: 'string', default: '24' },
    seconds: { type: 'string', default: '6' },
    capacity: { type: 'string', default: 'auto' },
    'max-batch': { type: 'string', default: '32' },
    'kill-after-ms': { type: 'string' },
  },
});

const redisServer = await startRedisServer();
const procs: EarshotProcess[] = [];
try {
  const common = ['--redis-url', redisServer.url, '--log-level', 'warn'];
  const t0 = performance.now();
  const workers = await Promise.all(
    Array.from({ length: Number(o.workers) }, () =>
      spawnEarshot(['worker', ...common, '--model', o.model!, '--capacity', o.capacity!, '--max-batch', o['max-batch']!, '--workers', '1', '--metrics-port', '0']),
    ),
  );
  const gateways = await Promise.all(Array.from({ length: Number(o.gateways) }, () => spawnEarshot(['gateway', ...common, '--host', '127.0.0.1', '--port', '0'])));
  procs.push(...workers, ...gateways);
  const startupMs = performance.now() - t0;

  const jfk = await readWavFile(SPEECH.jfk);
  const seconds = Number(o.seconds);
  const clips = [0, 1.3, 2.6, 3.9].map((from) => {
    const a = jfk.samples.subarray(Math.round(from * jfk.sampleRate), Math.round((from + seconds) * jfk.sampleRate));
    return Int16Array.from(a, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  });
  const sessions = Number(o.sessions);
  const perGateway = Math.ceil(sessions / gateways.length);
  let killed: string | undefined;
  const killAfter = o['kill-after-ms'] ? Number(o['kill-after-ms']) : undefined;
  const killer =
    killAfter === undefined
      ? undefined
      : setTimeout(() => {
          killed = String(workers[0].hello.worker);
          workers[0].child.kill('SIGKILL');
        }, killAfter);
  const results = await Promise.all(
    gateways.map((g, i) =>
      runLoad({
        url: String(g.hello.url),
        sampleRate: 16000,
        pace: 'realtime',
        frameMs: 100,
        timeoutMs: 120_000,
        sessions: Math.min(perGateway, sessions - i * perGateway),
        spreadMs: 500,
        clips,
      }),
    ),
  );
  clearTimeout(killer);
  const outcomes = results.flatMap((r) => r.outcomes).filter((x) => x.success);
  const pct = (xs: number[], p: number) => {
    const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]) : null;
  };
  const capacities = workers.map((w) => Number(w.hello.capacity));
  const redis = new Redis(redisServer.url);
  const info = await redis.info('memory');
  redis.disconnect();
  process.stdout.write(
    `${JSON.stringify(
      {
        model: o.model,
        workers: workers.length,
        gateways: gateways.length,
        perWorkerCapacity: capacities,
        startupMs: Math.round(startupMs),
        sessions,
        secondsPerSession: seconds,
        killedWorker: killed ?? null,
        succeeded: results.reduce((a, r) => a + r.succeeded, 0),
        rejected: results.reduce((a, r) => a + r.rejected, 0),
        errors: results.reduce((a, r) => a + r.errors, 0),
        timedOut: results.reduce((a, r) => a + r.timedOut, 0),
        errorCodes: results.flatMap((r) => r.outcomes).reduce<Record<string, number>>((acc, x) => {
          if (x.errorCode) acc[x.errorCode] = (acc[x.errorCode] ?? 0) + 1;
          return acc;
        }, {}),
        duplicateFinals: results.reduce((a, r) => a + r.duplicateFinals, 0),
        queueWaitMs: { p50: pct(outcomes.map((x) => x.queueWaitMs), 0.5), p95: pct(outcomes.map((x) => x.queueWaitMs), 0.95) },
        firstPartialMs: { p50: pct(outcomes.map((x) => x.firstPartialMs ?? NaN), 0.5), p95: pct(outcomes.map((x) => x.firstPartialMs ?? NaN), 0.95) },
        finalLatencyMs: { p50: pct(outcomes.map((x) => x.finalLatencyMs ?? NaN), 0.5), p95: pct(outcomes.map((x) => x.finalLatencyMs ?? NaN), 0.95) },
        redisUsedMemory: /used_memory_human:(\S+)/.exec(info)?.[1],
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await Promise.allSettled(procs.map((p) => p.stop()));
  await redisServer.stop();
}
