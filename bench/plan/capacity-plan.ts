import { AsrError } from '../../src/shared/errors.ts';
import { ErrorCode } from '../../src/shared/protocol/error-codes.ts';

/**
 * The post-mortem's sizing formula — workers = streams × RTF / utilization — with the RTF no
 * longer guessed: a worker that sustains C real-time streams (measured by `earshot bench ramp`
 * at the latency target) has an effective per-stream RTF of 1/C.
 */
export interface PlanInput {
  /** Concurrent real-time streams to serve. */
  streams: number;
  /** Measured real-time streams one machine sustained (ramp capacity). */
  machineCapacity: number;
  /** Workers the measured machine ran. */
  workersPerMachine: number;
  /** Fraction of the measured capacity to plan with (0 < h ≤ 1), for spikes and noisy neighbours. */
  headroom: number;
}

export interface Plan {
  perWorkerCapacity: number;
  /** Effective real-time factor of one stream on one worker (1 / per-worker capacity). */
  effectiveRtf: number;
  workers: number;
  machines: number;
  /** Streams per machine at the target load, and its share of the measured capacity. */
  streamsPerMachine: number;
  utilization: number;
}

function invalid(message: string): never {
  throw new AsrError(ErrorCode.InvalidConfig, message);
}

export function validatePlanInput(i: PlanInput): PlanInput {
  if (!Number.isInteger(i.streams) || i.streams < 1) invalid(`streams must be an integer >= 1, got ${i.streams}`);
  if (!(i.machineCapacity > 0)) invalid(`measured capacity must be > 0 streams, got ${i.machineCapacity} (the ramp found no passing concurrency)`);
  if (!Number.isInteger(i.workersPerMachine) || i.workersPerMachine < 1) invalid(`workers per machine must be an integer >= 1, got ${i.workersPerMachine}`);
  if (!(i.headroom > 0 && i.headroom <= 1)) invalid(`headroom must be in (0, 1], got ${i.headroom}`);
  return i;
}

export function planCapacity(input: PlanInput): Plan {
  const i = validatePlanInput(input);
  const perWorkerCapacity = i.machineCapacity / i.workersPerMachine;
  const effectiveRtf = 1 / perWorkerCapacity;
  // Rounded to 1e-9 first so that an exact fit (e.g. 500 × 0.01 / 0.5) is not pushed up by float error.
  const workers = Math.max(1, Math.ceil(Math.round(((i.streams * effectiveRtf) / i.headroom) * 1e9) / 1e9));
  const machines = Math.ceil(workers / i.workersPerMachine);
  const streamsPerMachine = i.streams / machines;
  return { perWorkerCapacity, effectiveRtf, workers, machines, streamsPerMachine, utilization: streamsPerMachine / i.machineCapacity };
}
