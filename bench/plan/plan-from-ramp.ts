import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AsrError } from '../../src/shared/errors.ts';
import { ErrorCode } from '../../src/shared/protocol/error-codes.ts';
import type { BenchReport, RampRun } from '../report/bench-report.ts';
import { rampCapacity } from '../scenario/ramp-rule.ts';
import { REPO_ROOT } from '../scenario/serve-process.ts';
import { planCapacity, type Plan, type PlanInput } from './capacity-plan.ts';

export interface PlanRequest {
  streams: number;
  p95LimitMs: number;
  resultFile?: string;
  variant: string;
  headroom: number;
}

export interface PlanFromRamp {
  input: PlanInput;
  plan: Plan;
  source: string;
  ramp: RampRun;
  report: Pick<BenchReport, 'machine' | 'date' | 'model'>;
  p95LimitMs: number;
  /** The ramp measured up to this latency limit; a looser --p95 cannot be read from its points. */
  rampP95LimitMs: number;
}

function newestRampResult(): string {
  const dir = join(REPO_ROOT, 'bench', 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^ramp-.*\.json$/.test(f)) : [];
  if (files.length === 0) throw new AsrError(ErrorCode.InvalidConfig, `no ramp result in ${relative(process.cwd(), dir)}: run \`earshot bench ramp\` first or pass --result FILE`);
  return files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

function readReport(file: string): BenchReport {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  } catch (err) {
    throw new AsrError(ErrorCode.InvalidConfig, `cannot read ramp result ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (report.scenario !== 'ramp' || !Array.isArray(report.ramp)) throw new AsrError(ErrorCode.InvalidConfig, `${file} is not a ramp result (scenario ${String(report.scenario)})`);
  return report;
}

/** Capacity from the ramp's measured points at the requested latency target, then the plan. */
export function planFromRamp(req: PlanRequest): PlanFromRamp {
  const source = req.resultFile ?? newestRampResult();
  const report = readReport(source);
  const ramp = report.ramp!.find((r) => r.variant === req.variant);
  if (!ramp) throw new AsrError(ErrorCode.InvalidConfig, `${source} has no ramp for '${req.variant}' (has: ${report.ramp!.map((r) => r.variant).join(', ')})`);
  const rampP95LimitMs = Number(report.settings.p95LimitMs ?? 1000);
  // Steps above the ramp's own first failure were never measured: a looser target cannot go past it.
  const capacity = Math.min(rampCapacity(ramp.points, req.p95LimitMs), req.p95LimitMs > rampP95LimitMs ? ramp.capacity : Number.POSITIVE_INFINITY);
  const input: PlanInput = { streams: req.streams, machineCapacity: capacity, workersPerMachine: ramp.workers, headroom: req.headroom };
  return { input, plan: planCapacity(input), source, ramp, report, p95LimitMs: req.p95LimitMs, rampP95LimitMs };
}

export function formatPlan(r: PlanFromRamp): string {
  const { plan, input } = r;
  const lines = [
    `measured: ${relative(process.cwd(), r.source)} (${r.report.date}, ${r.report.machine}, model ${r.report.model})`,
    `  ${r.ramp.variant}: ${input.machineCapacity} real-time streams per machine at p95 final latency <= ${r.p95LimitMs} ms, ${input.workersPerMachine} worker(s)`,
    `  per worker: ${plan.perWorkerCapacity.toFixed(1)} streams  (effective RTF per stream ${plan.effectiveRtf.toFixed(4)})`,
    `formula: workers = ceil(streams × RTF / headroom) = ceil(${input.streams} × ${plan.effectiveRtf.toFixed(4)} / ${input.headroom})`,
    `plan for ${input.streams} concurrent streams with headroom ${input.headroom}:`,
    `  workers:  ${plan.workers}`,
    `  machines: ${plan.machines} like the measured one (${input.workersPerMachine} worker(s) each)`,
    `  load per machine: ${plan.streamsPerMachine.toFixed(1)} streams = ${(100 * plan.utilization).toFixed(0)}% of its measured capacity`,
  ];
  if (r.p95LimitMs > r.rampP95LimitMs) lines.push(`note: the ramp stopped at p95 ${r.rampP95LimitMs} ms; capacity at a looser target was not measured and is capped there`);
  return `${lines.join('\n')}\n`;
}
