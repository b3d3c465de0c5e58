import type { BenchReport } from '../report/bench-report.ts';
import { EARSHOT, percent, servedRatios, SERIAL } from '../report/comparison.ts';
import { baseReport, finishReport, runEachVariant, type ScenarioContext } from './scenario-context.ts';
import { variantSpecs } from './variants.ts';

export interface PostmortemOptions {
  /** Concurrent streams (the post-mortem: 500). */
  sessions: number;
  /** The streams start spread over this window. */
  spreadMs: number;
}

/**
 * The post-mortem's test: N concurrent streams, each a 3–6 s utterance at real-time pace, with the
 * old client's 60 s timeout. The old system served 22% of 500.
 */
export async function runPostmortem(ctx: ScenarioContext, o: PostmortemOptions): Promise<BenchReport> {
  const report = baseReport(ctx, 'postmortem', { sessions: o.sessions, spreadMs: o.spreadMs, pace: 'realtime' });
  const specs = variantSpecs(ctx.variants, ctx.serve);
  report.runs = await runEachVariant(specs, ctx, {
    sessions: o.sessions,
    spreadMs: o.spreadMs,
    clips: ctx.clips,
    pace: 'realtime',
    timeoutMs: ctx.timeoutMs,
  });
  report.ratios = servedRatios(report.runs);
  const ours = report.runs.find((r) => r.variant === EARSHOT);
  if (ours) {
    report.checks = [{ name: 'post-mortem success rate (Earshot)', target: '100% (old system: 22%)', measured: percent(ours.result.successRate), pass: ours.result.successRate >= 1 }];
  }
  const serial = report.runs.find((r) => r.variant === SERIAL);
  if (serial) report.notes.push(`The serial design (the old system's shape) served ${percent(serial.result.successRate)} on this machine.`);
  const audio = ours?.result.audioSeconds ?? report.runs[0]?.result.audioSeconds ?? 0;
  report.notes.push(`Total audio per variant: ${Math.round(audio)} s in ${o.sessions} streams.`);
  return finishReport(report);
}
