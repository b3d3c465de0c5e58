import type { Command } from 'commander';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** "1s", "800ms", "1.5s" or a bare number of milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(text.trim());
  if (!m) throw new AsrError(ErrorCode.InvalidConfig, `expected a duration like 1s or 800ms, got '${text}'`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AsrError(ErrorCode.InvalidConfig, `expected an integer >= 1, got '${value}'`);
  return n;
}

/** `earshot plan`: workers and machines for a target load, from a measured ramp (bench/results/ramp-*.json). */
export function planCommand(program: Command): void {
  program
    .command('plan')
    .description('how many workers and machines a target load needs, from a measured `earshot bench ramp` result')
    .requiredOption('--streams <n>', 'concurrent real-time streams to serve', positiveInt)
    .option('--p95 <duration>', 'final-latency target (e.g. 1s, 800ms); capacity is re-read from the ramp points', '1s')
    .option('--result <file>', 'ramp result JSON (default: the newest bench/results/ramp-*.json)')
    .option('--variant <name>', 'which system of the ramp to plan with', 'earshot')
    .option('--headroom <f>', 'fraction of measured capacity to use', '0.7')
    .action(async (flags: { streams: number; p95: string; result?: string; variant: string; headroom: string }) => {
      const { planFromRamp, formatPlan } = await import('../../../bench/plan/plan-from-ramp.ts');
      const plan = planFromRamp({ streams: flags.streams, p95LimitMs: parseDurationMs(flags.p95), resultFile: flags.result, variant: flags.variant, headroom: Number(flags.headroom) });
      process.stdout.write(formatPlan(plan));
    });
}
