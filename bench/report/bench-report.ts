import type { LoadResult } from '../load/load-runner.ts';
import type { ResourceSample } from '../load/process-sampler.ts';

/** One system under test in a side-by-side run (Earshot, the serial baseline, sherpa-onnx). */
export interface VariantRun {
  variant: string;
  description: string;
  result: LoadResult;
  resources: ResourceSample[];
  peakRssMb: number;
  meanCpuPercent: number;
  extra?: Record<string, number | string>;
}

export interface RampPoint {
  concurrency: number;
  successRate: number;
  p95FinalLatencyMs: number;
  rejected: number;
}

export interface RampRun {
  variant: string;
  points: RampPoint[];
  /** Largest concurrency with 100% success and p95 final latency within the target. */
  capacity: number;
  workers: number;
}

/** A side-by-side ratio, e.g. sessions served by Earshot / by the serial design. */
export interface Ratio {
  name: string;
  numerator: string;
  denominator: string;
  /** null when the denominator is 0 (the baseline served nothing). */
  value: number | null;
  /** The value the issue asks for (at least), if any. */
  target?: number;
}

/** A target of the issue and what this run measured against it. */
export interface Check {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
}

export interface BenchReport {
  scenario: string;
  command: string;
  machine: string;
  date: string;
  model: string;
  settings: Record<string, number | string | boolean>;
  runs: VariantRun[];
  ramp?: RampRun[];
  ratios?: Ratio[];
  checks?: Check[];
  /** Machine load (1-minute load average) at the start and end of the run: other jobs share the CPU. */
  loadAverage?: { start: number; end: number };
  notes: string[];
}
