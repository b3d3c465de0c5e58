import type { BenchReport, Check } from '../report/bench-report.ts';
import { baseReport, finishReport, runEachVariant, type ScenarioContext } from './scenario-context.ts';
import { variantSpecs } from './variants.ts';

export interface HerdOptions {
  /** Clients that connect at the same instant (the issue: 2,000). */
  clients: number;
  /** Every client must be answered (ready, queue position or HTTP 503) within this. */
  answerWithinMs: number;
}

/**
 * Thundering herd: every client connects at once (as after a gateway restart). Each must get an
 * answer — admitted, a place in the waiting room, or HTTP 503 + Retry-After — within 2 s, and the
 * server must stay up.
 */
export async function runHerd(ctx: ScenarioContext, o: HerdOptions): Promise<BenchReport> {
  const report = baseReport(ctx, 'herd', { clients: o.clients, answerWithinMs: o.answerWithinMs, spreadMs: 0, pace: 'realtime' });
  const checks: Check[] = [];
  report.runs = await runEachVariant(
    variantSpecs(ctx.variants, ctx.serve),
    ctx,
    { sessions: o.clients, spreadMs: 0, clips: ctx.clips, pace: 'realtime', timeoutMs: ctx.timeoutMs },
    async (_v, run) => {
      const outcomes = run.result.outcomes;
      const answered = outcomes.filter((x) => x.firstResponseMs !== undefined && x.firstResponseMs <= o.answerWithinMs);
      const refused503 = outcomes.filter((x) => x.rejectedStatus === 503).length;
      const unanswered = outcomes.length - answered.length;
      const up = run.extra?.serverUpAfter === 'yes';
      run.extra = {
        ...run.extra,
        answeredWithin2s: answered.length,
        unansweredWithin2s: unanswered,
        refused503,
        connectErrors: outcomes.filter((x) => x.errorCode !== undefined && x.firstResponseMs === undefined).length,
        firstResponseP99Ms: Math.round(run.result.firstResponse.p99),
      };
      checks.push({
        name: `${run.variant}: every client served or 503 within ${o.answerWithinMs / 1000} s, server up`,
        target: `${o.clients}/${o.clients} answered, server up`,
        measured: `${answered.length}/${o.clients} answered (p99 ${Math.round(run.result.firstResponse.p99)} ms, ${refused503} × 503), server ${up ? 'up' : 'DOWN'}`,
        pass: unanswered === 0 && up,
      });
    },
  );
  report.checks = checks;
  report.notes.push('"Answered" = the first reply of any kind: ready, queue_status (a place in the waiting room) or HTTP 503. "success" in the table = the stream was also transcribed to its end within the timeout.');
  return finishReport(report);
}
