/** `earshot bench <scenario>`: the composition root of the load benchmarks (loaded on demand by the CLI). */
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { AsrError } from '../src/shared/errors.ts';
import { ErrorCode } from '../src/shared/protocol/error-codes.ts';
import { benchUtterances } from './audio/bench-utterances.ts';
import type { IdleKind } from './load/idle-sockets.ts';
import type { BenchReport } from './report/bench-report.ts';
import { formatRatio } from './report/comparison.ts';
import { writeReportFiles } from './report/result-files.ts';
import { runChaos } from './scenario/chaos.ts';
import { runHerd } from './scenario/herd.ts';
import { runPostmortem } from './scenario/postmortem.ts';
import { runRamp } from './scenario/ramp.ts';
import { DEFAULT_RAMP_RULE } from './scenario/ramp-rule.ts';
import type { ScenarioContext } from './scenario/scenario-context.ts';
import { REPO_ROOT } from './scenario/serve-process.ts';
import { runSlowloris } from './scenario/slowloris.ts';
import { isVariantName, VARIANT_NAMES, type VariantName } from './scenario/variants.ts';

export const SCENARIOS = ['postmortem', 'ramp', 'herd', 'slowloris', 'chaos'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchFlags {
  model: string;
  modelLabel?: string;
  variants: string;
  sessions?: number;
  spreadMs?: number;
  timeoutMs: number;
  frameMs: number;
  clips: number;
  workers?: number;
  threads?: number;
  maxBatch?: number;
  capacity?: string;
  serveArg: string[];
  decoding: string;
  out: string;
  tag?: string;
  p95Ms: number;
  rampStart: number;
  rampGrowth: number;
  rampMax: number;
  rampSeconds: number;
  idle: number;
  idleKind: string;
  answerWithinMs: number;
  durationS: number;
  killEveryS: number;
  gateways: number;
  clusterWorkers: number;
  lateMs: number;
}

function invalid(message: string): never {
  throw new AsrError(ErrorCode.InvalidConfig, message);
}

function parseVariants(list: string): VariantName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !isVariantName(n));
  if (bad.length || names.length === 0) invalid(`--variants takes a comma-separated list of ${VARIANT_NAMES.join(', ')} (got '${list}')`);
  return names as VariantName[];
}

function machineDescription(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
}

function printSummary(report: BenchReport, files: { json: string; html: string }, log: (s: string) => void): void {
  log('');
  log(`${report.scenario} — ${report.model} — ${report.machine}`);
  for (const r of report.runs) {
    const s = r.result;
    log(`  ${r.variant.padEnd(34)} ${String(s.succeeded).padStart(5)}/${s.sessions} ok (${(100 * s.successRate).toFixed(1)}%)  503: ${s.rejected}  timeout: ${s.timedOut}  final p50/p95 ${Math.round(s.finalLatency.p50)}/${Math.round(s.finalLatency.p95)} ms`);
  }
  for (const ramp of report.ramp ?? []) log(`  capacity ${ramp.variant}: ${ramp.capacity} real-time streams (${ramp.workers} worker(s))`);
  for (const r of report.ratios ?? []) log(`  ${r.name}: ${formatRatio(r.value)}${r.target !== undefined ? ` (target ≥ ${r.target}×)` : ''}`);
  for (const c of report.checks ?? []) log(`  [${c.pass ? 'met' : 'MISSED'}] ${c.name}: ${c.measured}`);
  log(`  load average ${report.loadAverage?.start.toFixed(1)} → ${report.loadAverage?.end.toFixed(1)}`);
  log(`  wrote ${relative(process.cwd(), files.json)} and ${relative(process.cwd(), files.html)}`);
}

export async function runBench(scenario: Scenario, flags: BenchFlags, argv: string[]): Promise<BenchReport> {
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const model = resolve(flags.model);
  const clips = benchUtterances(join(REPO_ROOT, 'bench', '.cache', 'audio'), flags.clips).map((u) => u.pcm);
  const ctx: ScenarioContext = {
    command: `earshot ${argv.join(' ')}`,
    machine: machineDescription(),
    date: new Date().toISOString().slice(0, 10),
    modelLabel: flags.modelLabel ?? relative(REPO_ROOT, model),
    serve: { model, workers: flags.workers, threads: flags.threads, maxBatch: flags.maxBatch, capacity: flags.capacity, decoding: flags.decoding, extraArgs: flags.serveArg },
    variants: parseVariants(flags.variants),
    clips,
    timeoutMs: flags.timeoutMs,
    frameMs: flags.frameMs,
    log,
  };
  let report: BenchReport;
  switch (scenario) {
    case 'postmortem':
      report = await runPostmortem(ctx, { sessions: flags.sessions ?? 500, spreadMs: flags.spreadMs ?? 2000 });
      break;
    case 'ramp':
      report = await runRamp(ctx, {
        rule: { ...DEFAULT_RAMP_RULE, start: flags.rampStart, growth: flags.rampGrowth, maxConcurrency: flags.rampMax, p95LimitMs: flags.p95Ms },
        streamSeconds: flags.rampSeconds,
        spreadMs: flags.spreadMs ?? 1000,
        pauseMs: 2000,
      });
      break;
    case 'herd':
      report = await runHerd(ctx, { clients: flags.sessions ?? 2000, answerWithinMs: flags.answerWithinMs });
      break;
    case 'slowloris':
      if (flags.idleKind !== 'ws' && flags.idleKind !== 'headers') invalid(`--idle-kind must be ws or headers, got '${flags.idleKind}'`);
      report = await runSlowloris(ctx, { idle: flags.idle, idleKind: flags.idleKind as IdleKind, streams: flags.sessions ?? 50, spreadMs: flags.spreadMs ?? 1000, latencyFactor: 1.5 });
      break;
    case 'chaos':
      report = await runChaos(ctx, {
        sessions: flags.sessions ?? 120,
        durationS: flags.durationS,
        killEveryS: flags.killEveryS,
        gateways: flags.gateways,
        workers: flags.clusterWorkers,
        lateMs: flags.lateMs,
      });
      break;
  }
  const files = writeReportFiles(report, resolve(flags.out), flags.tag);
  printSummary(report, files, log);
  return report;
}
