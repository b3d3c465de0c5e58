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

export interface BenchReport {
  scenario: string;
  command: string;
  machine: string;
  date: string;
  model: string;
  settings: Record<string, number | string | boolean>;
  runs: VariantRun[];
  ramp?: RampRun[];
  notes: string[];
}
