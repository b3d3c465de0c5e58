import type { BenchReport, RampPoint, RampRun, VariantRun } from '../report/bench-report.ts';
import { capacityRatios, ratioChecks } from '../report/comparison.ts';
import { nextConcurrency, rampCapacity, type RampRule } from './ramp-rule.ts';
import { baseReport, finishReport, loadOn, longClips, serverAlive, startVariant, stopVariant, type ScenarioContext } from './scenario-context.ts';
import { variantSpecs } from './variants.ts';

export interface RampOptions {
  rule: RampRule;
  /** Seconds of audio per stream at each step (utterances back to back): long enough for a steady state. */
  streamSeconds: number;
  /** Streams of a step start spread over this window. */
  spreadMs: number;
  /** Pause between steps so that the previous step's sessions are gone. */
  pauseMs: number;
}

/**
 * Raises the number of concurrent real-time streams until success drops below 100% or the p95
 * final latency passes the limit: the largest passing step is the machine's real-time capacity.
 */
export async function runRamp(ctx: ScenarioContext, o: RampOptions): Promise<BenchReport> {
  const report = baseReport(ctx, 'ramp', {
    p95LimitMs: o.rule.p95LimitMs,
    start: o.rule.start,
    growth: o.rule.growth,
    maxConcurrency: o.rule.maxConcurrency,
    streamSeconds: o.streamSeconds,
    spreadMs: o.spreadMs,
  });
  const clips = longClips(ctx.clips, o.streamSeconds);
  const ramp: RampRun[] = [];
  for (const spec of variantSpecs(ctx.variants, ctx.serve)) {
    const v = await startVariant(spec, ctx);
    const points: RampPoint[] = [];
    let best: VariantRun | undefined;
    try {
      for (let c = nextConcurrency(points, o.rule); c !== undefined; c = nextConcurrency(points, o.rule)) {
        const result = await loadOn(v, ctx, { sessions: c, spreadMs: o.spreadMs, clips, pace: 'realtime', timeoutMs: ctx.timeoutMs });
        const point: RampPoint = { concurrency: c, successRate: result.successRate, p95FinalLatencyMs: result.finalLatency.p95, rejected: result.rejected };
        points.push(point);
        ctx.log(`[${spec.name}] ${c} streams: ${(100 * point.successRate).toFixed(1)}% ok, p95 final ${Math.round(point.p95FinalLatencyMs)} ms`);
        if (c === rampCapacity(points, o.rule.p95LimitMs)) {
          best = { variant: spec.name, description: `${spec.description} — at its capacity (${c} streams)`, result, resources: [], peakRssMb: 0, meanCpuPercent: 0 };
        }
        if (!(await serverAlive(v.server))) {
          report.notes.push(`${spec.name}: the server died at ${c} streams`);
          break;
        }
        await new Promise((r) => setTimeout(r, o.pauseMs));
      }
    } finally {
      await stopVariant(v);
    }
    const workers = Number(/(\d+) worker/.exec(v.server.banner)?.[1] ?? ctx.serve.workers ?? 1);
    const capacity = rampCapacity(points, o.rule.p95LimitMs);
    ramp.push({ variant: spec.name, points: points.sort((a, b) => a.concurrency - b.concurrency), capacity, workers });
    ctx.log(`[${spec.name}] real-time capacity: ${capacity} streams (${workers} worker(s))`);
    if (best) {
      best.resources = v.sampler.samples;
      best.peakRssMb = v.sampler.peakRssMb();
      best.meanCpuPercent = v.sampler.meanCpuPercent();
      best.extra = { server: v.server.banner, capacity };
      report.runs.push(best);
    }
  }
  report.ramp = ramp;
  report.ratios = capacityRatios(ramp);
  report.checks = ratioChecks(report.ratios);
  report.notes.push('Runs below: each variant at its measured capacity (the last passing step).');
  return finishReport(report);
}
