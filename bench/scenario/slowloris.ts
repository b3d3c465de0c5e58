import { openIdleSockets, type IdleKind } from '../load/idle-sockets.ts';
import { rssMbOf } from '../load/process-sampler.ts';
import type { BenchReport, Check, VariantRun } from '../report/bench-report.ts';
import { baseReport, finishReport, loadOn, serverAlive, startVariant, stopVariant, type ScenarioContext } from './scenario-context.ts';
import { variantSpecs } from './variants.ts';

export interface SlowlorisOptions {
  idle: number;
  idleKind: IdleKind;
  streams: number;
  spreadMs: number;
  /** "Unaffected": p95 final latency with idle sockets at most this factor of the baseline (plus 250 ms of jitter). */
  latencyFactor: number;
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Slow loris: the same 50 real streams run twice on one server, without and then with 1,000 idle
 * sockets held open. The streams must be unaffected; the server's memory per idle socket is reported.
 */
export async function runSlowloris(ctx: ScenarioContext, o: SlowlorisOptions): Promise<BenchReport> {
  const report = baseReport(ctx, 'slowloris', { idle: o.idle, idleKind: o.idleKind, streams: o.streams, spreadMs: o.spreadMs });
  const checks: Check[] = [];
  for (const spec of variantSpecs(ctx.variants, ctx.serve)) {
    const v = await startVariant(spec, ctx);
    try {
      const load = { sessions: o.streams, spreadMs: o.spreadMs, clips: ctx.clips, pace: 'realtime' as const, timeoutMs: ctx.timeoutMs };
      const baseline = await loadOn(v, ctx, load);
      await settle(2000);
      const rssBefore = rssMbOf(v.server.pid);
      const idle = await openIdleSockets(v.server.url, o.idle, o.idleKind);
      await settle(3000);
      const rssIdle = rssMbOf(v.server.pid);
      const heldBefore = idle.open();
      const loaded = await loadOn(v, ctx, load);
      const heldAfter = idle.open();
      idle.close();
      const up = await serverAlive(v.server);
      const perSocketKb = heldBefore > 0 ? ((rssIdle - rssBefore) * 1024) / heldBefore : Number.NaN;
      const summary = (name: string, result: typeof baseline, extra: VariantRun['extra']): VariantRun => ({
        variant: name,
        description: spec.description,
        result,
        resources: v.sampler.samples,
        peakRssMb: v.sampler.peakRssMb(),
        meanCpuPercent: v.sampler.meanCpuPercent(),
        extra,
      });
      report.runs.push(summary(`${spec.name} (no idle sockets)`, baseline, { server: v.server.banner }));
      report.runs.push(
        summary(`${spec.name} + ${o.idle} idle`, loaded, {
          server: v.server.banner,
          idleOpened: heldBefore,
          idleRefused: idle.refused,
          idleStillOpenAfterStreams: heldAfter,
          rssBeforeIdleMb: Math.round(rssBefore),
          rssWithIdleMb: Math.round(rssIdle),
          kbPerIdleSocket: Math.round(perSocketKb * 10) / 10,
          serverUpAfter: up ? 'yes' : 'NO',
        }),
      );
      const p95Ok = loaded.finalLatency.p95 <= baseline.finalLatency.p95 * o.latencyFactor + 250;
      checks.push({
        name: `${spec.name}: ${o.streams} streams unaffected by ${o.idle} idle sockets`,
        target: `100% success, p95 ≤ ${o.latencyFactor}× baseline + 250 ms`,
        measured: `${(100 * loaded.successRate).toFixed(1)}% (baseline ${(100 * baseline.successRate).toFixed(1)}%), p95 ${Math.round(loaded.finalLatency.p95)} ms (baseline ${Math.round(baseline.finalLatency.p95)} ms), ${Math.round(perSocketKb)} KB per idle socket`,
        pass: loaded.successRate >= 1 && baseline.successRate >= 1 && p95Ok && up,
      });
      ctx.log(`[${spec.name}] ${checks.at(-1)!.measured}`);
    } finally {
      await stopVariant(v);
    }
  }
  report.checks = checks;
  report.notes.push(
    o.idleKind === 'ws'
      ? 'Idle sockets complete the WebSocket handshake and never send start (the server closes them after its idle timeout).'
      : 'Idle sockets send half an HTTP upgrade request and never finish it.',
  );
  return finishReport(report);
}
