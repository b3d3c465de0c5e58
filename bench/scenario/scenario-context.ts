import { loadavg } from 'node:os';
import { runLoad, type LoadOptions } from '../load/load-runner.ts';
import { ProcessSampler } from '../load/process-sampler.ts';
import type { BenchReport, VariantRun } from '../report/bench-report.ts';
import { startEarshot, type ServerProcess } from './serve-process.ts';
import type { ServeSettings, VariantName, VariantSpec } from './variants.ts';

/** What every scenario gets from `earshot bench`. */
export interface ScenarioContext {
  command: string;
  machine: string;
  date: string;
  modelLabel: string;
  serve: ServeSettings;
  variants: VariantName[];
  /** 16 kHz mono PCM16 utterances, 3–6 s each. */
  clips: Int16Array[];
  timeoutMs: number;
  frameMs: number;
  log: (line: string) => void;
}

export type LoadSpec = Omit<LoadOptions, 'url' | 'sampleRate' | 'frameMs'>;

/** A started variant with its resource sampler. */
export interface RunningVariant {
  spec: VariantSpec;
  server: ServerProcess;
  sampler: ProcessSampler;
}

export async function startVariant(spec: VariantSpec, ctx: ScenarioContext): Promise<RunningVariant> {
  ctx.log(`[${spec.name}] starting: earshot ${spec.args.join(' ')}`);
  const server = await startEarshot({ args: spec.args });
  ctx.log(`[${spec.name}] ${server.banner}`);
  const sampler = new ProcessSampler(() => [server.pid]);
  sampler.start();
  return { spec, server, sampler };
}

export async function stopVariant(v: RunningVariant): Promise<void> {
  v.sampler.stop();
  await v.server.stop();
}

export function loadOn(v: RunningVariant, ctx: ScenarioContext, load: LoadSpec): ReturnType<typeof runLoad> {
  return runLoad({ ...load, url: v.server.url, sampleRate: 16000, frameMs: ctx.frameMs });
}

/** Whether the server process is still up and answers /healthz. */
export async function serverAlive(server: ServerProcess): Promise<boolean> {
  if (server.exitCode() !== null) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** One load against a fresh server of each variant, one variant after the other. */
export async function runEachVariant(
  specs: VariantSpec[],
  ctx: ScenarioContext,
  load: LoadSpec,
  after?: (v: RunningVariant, run: VariantRun) => Promise<void>,
): Promise<VariantRun[]> {
  const runs: VariantRun[] = [];
  for (const spec of specs) {
    const v = await startVariant(spec, ctx);
    try {
      const result = await loadOn(v, ctx, load);
      const alive = await serverAlive(v.server);
      const run: VariantRun = {
        variant: spec.name,
        description: spec.description,
        result,
        resources: v.sampler.samples,
        peakRssMb: v.sampler.peakRssMb(),
        meanCpuPercent: v.sampler.meanCpuPercent(),
        extra: { server: v.server.banner, serverUpAfter: alive ? 'yes' : 'NO' },
      };
      ctx.log(`[${spec.name}] ${result.succeeded}/${result.sessions} served, ${result.rejected} refused, ${result.timedOut} timed out, final p95 ${Math.round(result.finalLatency.p95)} ms`);
      if (after) await after(v, run);
      runs.push(run);
    } finally {
      await stopVariant(v);
    }
  }
  return runs;
}

export function baseReport(ctx: ScenarioContext, scenario: string, settings: BenchReport['settings']): BenchReport {
  return {
    scenario,
    command: ctx.command,
    machine: ctx.machine,
    date: ctx.date,
    model: ctx.modelLabel,
    settings: { ...settings, timeoutMs: ctx.timeoutMs, frameMs: ctx.frameMs, clips: ctx.clips.length },
    runs: [],
    notes: [],
    loadAverage: { start: loadavg()[0], end: Number.NaN },
  };
}

export function finishReport(report: BenchReport): BenchReport {
  if (report.loadAverage) report.loadAverage.end = loadavg()[0];
  return report;
}

/** Concatenates clips (with 0.3 s pauses) until at least `seconds` long: steady-state streams for the ramp. */
export function longClips(clips: Int16Array[], seconds: number): Int16Array[] {
  const pause = new Int16Array(4800);
  return clips.map((_, i) => {
    const parts: Int16Array[] = [];
    let n = 0;
    for (let k = 0; n < seconds * 16000; k++) {
      const c = clips[(i + k) % clips.length];
      parts.push(c, pause);
      n += c.length + pause.length;
    }
    const out = new Int16Array(n);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  });
}
