import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionOutcome } from '../load/session-client.ts';
import type { BenchReport } from './bench-report.ts';
import { renderHtmlReport } from './html-report.ts';

const round1 = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v * 10) / 10);

/** Outcomes without transcripts and with 0.1 ms resolution: keeps a 6,000-session report small. */
function compactOutcome(o: SessionOutcome): SessionOutcome {
  return {
    ...o,
    startedAt: round1(o.startedAt)!,
    connectMs: round1(o.connectMs),
    readyMs: round1(o.readyMs),
    queueWaitMs: round1(o.queueWaitMs)!,
    firstPartialMs: round1(o.firstPartialMs),
    finalLatencyMs: round1(o.finalLatencyMs),
    totalMs: round1(o.totalMs),
    firstResponseMs: round1(o.firstResponseMs),
    text: '',
  };
}

export function compactReport(report: BenchReport): BenchReport {
  return {
    ...report,
    runs: report.runs.map((r) => ({
      ...r,
      result: { ...r.result, outcomes: r.result.outcomes.map(compactOutcome) },
      resources: r.resources.map((x) => ({ t: round1(x.t)!, cpuPercent: Math.round(x.cpuPercent), rssMb: Math.round(x.rssMb) })),
    })),
  };
}

/** Writes <dir>/<scenario>[-<tag>]-<date>.json and .html; returns both paths. */
export function writeReportFiles(report: BenchReport, dir: string, tag?: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, [report.scenario, tag, report.date].filter(Boolean).join('-'));
  const compact = compactReport(report);
  const json = `${base}.json`;
  const html = `${base}.html`;
  writeFileSync(json, `${JSON.stringify(compact, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
  writeFileSync(html, renderHtmlReport(compact));
  return { json, html };
}
