/**
 * Where an onnxruntime session's time goes, from the JSON trace `enableProfiling` writes when the
 * session is released. Used by bench/gpu/gpu-capacity.ts (`--profile`) to answer one question on
 * a lent GPU: is the per-call time kernels on the GPU, nodes the WebGPU provider handed to the CPU,
 * or copies between them?
 *
 * The trace holds three kinds of events:
 * - `Session` `model_run`: one per session.run (wall time of the call);
 * - `Node` `<node>_kernel_time`: one per executed node, with `args.op_name` and `args.provider`
 *   (for a GPU provider this is the time to record the dispatch on the CPU, plus any wait);
 * - `Api` events: GPU kernels timed with WebGPU timestamp queries (the device's clock, not aligned
 *   with the CPU timeline, so they are counted over the whole trace).
 */

export interface OrtProfileEvent {
  cat: string;
  name: string;
  /** Microseconds. */
  dur: number;
  ts: number;
  args?: { op_name?: unknown; provider?: unknown; [key: string]: unknown };
}

export interface CostRow {
  /** `op@provider` for nodes, the kernel's name for GPU kernels. */
  key: string;
  count: number;
  /** Milliseconds per counted run. */
  msPerRun: number;
}

export interface ProfileSummary {
  /** model_run calls counted (after the skipped warm-up ones). */
  runs: number;
  /** Mean wall time of a counted model_run, ms. */
  msPerRun: number;
  /** Node time per run by provider (CPU-side time for a GPU provider). */
  byProvider: CostRow[];
  /** Node time per run by op type and provider, largest first. */
  byOp: CostRow[];
  /** GPU kernel time per run (all runs of the trace: its clock is the device's), largest first. */
  gpuKernels: CostRow[];
  gpuMsPerRun: number;
  /** Nodes per run that move tensors between host and device (MemcpyToHost / MemcpyFromHost). */
  copiesPerRun: number;
}

const MICROS_PER_MS = 1000;

function rows(totals: Map<string, { us: number; count: number }>, runs: number): CostRow[] {
  return [...totals]
    .map(([key, t]) => ({ key, count: t.count / runs, msPerRun: t.us / MICROS_PER_MS / runs }))
    .sort((a, b) => b.msPerRun - a.msPerRun);
}

function add(totals: Map<string, { us: number; count: number }>, key: string, us: number): void {
  const t = totals.get(key) ?? { us: 0, count: 0 };
  t.us += us;
  t.count += 1;
  totals.set(key, t);
}

/**
 * Sums a trace's costs per counted run. `skipRuns` leading model_run calls (warm-up: shader
 * compilation, arena growth) and the nodes they ran are left out of the CPU-side figures.
 */
export function summarizeProfile(events: readonly OrtProfileEvent[], skipRuns = 0): ProfileSummary {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const counted = runs.slice(skipRuns);
  if (counted.length === 0) throw new Error(`the profile has ${runs.length} model_run event(s); none left after skipping ${skipRuns}`);
  const from = counted[0].ts;
  const byProvider = new Map<string, { us: number; count: number }>();
  const byOp = new Map<string, { us: number; count: number }>();
  let copies = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < from) continue;
    const op = String(e.args?.op_name ?? '?');
    const provider = String(e.args?.provider ?? '?').replace(/ExecutionProvider$/, '');
    add(byProvider, provider, e.dur);
    add(byOp, `${op}@${provider}`, e.dur);
    if (op === 'MemcpyToHost' || op === 'MemcpyFromHost') copies++;
  }
  const gpu = new Map<string, { us: number; count: number }>();
  for (const e of events) if (e.cat === 'Api') add(gpu, e.name, e.dur);
  const gpuRows = rows(gpu, runs.length);
  return {
    runs: counted.length,
    msPerRun: counted.reduce((s, r) => s + r.dur, 0) / MICROS_PER_MS / counted.length,
    byProvider: rows(byProvider, counted.length),
    byOp: rows(byOp, counted.length),
    gpuKernels: gpuRows,
    gpuMsPerRun: gpuRows.reduce((s, r) => s + r.msPerRun, 0),
    copiesPerRun: copies / counted.length,
  };
}

/** A few markdown lines: the run's wall time, then the largest costs. */
export function formatProfileSummary(s: ProfileSummary, top = 12): string {
  const ms = (v: number): string => v.toFixed(v < 10 ? 2 : 1);
  const table = (title: string, list: CostRow[]): string[] => [
    `| ${title} | per run | ms per run |`,
    '|---|---|---|',
    ...list.slice(0, top).map((r) => `| ${r.key} | ${r.count.toFixed(1)} | ${ms(r.msPerRun)} |`),
  ];
  return [
    `model_run: ${ms(s.msPerRun)} ms over ${s.runs} run(s); node time by provider: ${s.byProvider.map((r) => `${r.key} ${ms(r.msPerRun)} ms`).join(', ')};` +
      ` host<->device copies per run: ${s.copiesPerRun.toFixed(1)}; GPU kernels: ${s.gpuKernels.length ? `${ms(s.gpuMsPerRun)} ms per run` : 'none timed'}`,
    '',
    ...table('node (op@provider)', s.byOp),
    ...(s.gpuKernels.length ? ['', ...table('GPU kernel', s.gpuKernels)] : []),
  ].join('\n');
}
