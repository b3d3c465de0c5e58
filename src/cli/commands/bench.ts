import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { DEFAULT_MODEL_DIR } from './serve.ts';

const SCENARIOS = ['postmortem', 'ramp', 'herd', 'slowloris', 'chaos'];

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AsrError(ErrorCode.InvalidConfig, `expected an integer >= 0, got '${value}'`);
  return n;
}

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new AsrError(ErrorCode.InvalidConfig, `expected a number > 0, got '${value}'`);
  return n;
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(' ').filter(Boolean)];

/**
 * `earshot bench <scenario>`: load tests against fresh `earshot serve` child processes, side by
 * side (Earshot, the old serial design, sherpa-onnx behind the same gateway). Never part of the
 * test run. The bench modules (and chart.js) load only when this command runs.
 */
export function benchCommand(program: Command): void {
  program
    .command('bench')
    .description(`capacity benchmarks, side by side in one run: ${SCENARIOS.join(', ')} (results in bench/results/)`)
    .argument('<scenario>', SCENARIOS.join(' | '))
    .option('--model <dir>', 'model folder every variant serves', DEFAULT_MODEL_DIR)
    .option('--model-label <text>', 'how the report names the model (default: its path)')
    .option('--variants <list>', 'systems to compare, comma-separated: earshot, serial, sherpa-onnx, earshot-lm (earshot with serve --decoding auto)', 'earshot,serial,sherpa-onnx')
    .option('--sessions <n>', 'streams (postmortem 500, herd 2000, slowloris 50, chaos 120)', int)
    .option('--spread-ms <ms>', 'streams start spread over this window (postmortem 2000, ramp/slowloris 1000)', int)
    .option('--timeout-ms <ms>', 'client timeout per stream (the post-mortem: 60 s)', int, 60_000)
    .option('--frame-ms <ms>', 'audio per WebSocket frame', int, 100)
    .option('--clips <n>', 'distinct synthesized utterances (espeak-ng, cached in bench/.cache)', int, 32)
    .option('--workers <n>', 'serve --workers for every variant (default: serve\u2019s own)', int)
    .option('--threads <n>', 'serve --threads for every variant', int)
    .option('--max-batch <n>', 'serve --max-batch for every variant', int)
    .option('--capacity <n|auto>', 'serve --capacity for every variant (default auto: calibrated)')
    .option('--decoding <method>', "serve --decoding for every variant: greedy_search compares the serving designs on the same search (sherpa-onnx-node's streaming CTC is greedy); auto adds the shipped token LM to Earshot's", 'greedy_search')
    .option('--serve-arg <args>', 'extra `earshot serve` arguments for every variant (repeatable)', collect, [])
    .option('--out <dir>', 'where the JSON + HTML results go', 'bench/results')
    .option('--tag <name>', 'added to the result file names (e.g. heavy)')
    .option('--p95-ms <ms>', 'ramp: latency limit of a passing step', int, 1000)
    .option('--ramp-start <n>', 'ramp: first concurrency', int, 8)
    .option('--ramp-growth <f>', 'ramp: growth factor between passing steps', num, 1.5)
    .option('--ramp-max <n>', 'ramp: highest concurrency tried', int, 2000)
    .option('--ramp-seconds <s>', 'ramp: seconds of audio per stream', int, 12)
    .option('--idle <n>', 'slowloris: idle sockets', int, 1000)
    .option('--idle-kind <ws|headers>', 'slowloris: idle WebSockets, or half-sent HTTP upgrade requests', 'ws')
    .option('--answer-within-ms <ms>', 'herd: every client must be answered within this', int, 2000)
    .option('--duration-s <s>', 'chaos: streams start over this many seconds', int, 90)
    .option('--kill-every-s <s>', 'chaos: kill -9 a random worker this often', int, 15)
    .option('--gateways <n>', 'chaos: gateway processes', int, 1)
    .option('--cluster-workers <n>', 'chaos: worker processes', int, 3)
    .option('--late-ms <ms>', 'chaos: a final later than this after the end of speech is late', int, 5000)
    .action(async (scenario: string, flags: Record<string, unknown>) => {
      if (!SCENARIOS.includes(scenario)) throw new AsrError(ErrorCode.InvalidConfig, `unknown scenario '${scenario}' (one of ${SCENARIOS.join(', ')})`);
      if (!existsSync(String(flags.model))) {
        throw new AsrError(ErrorCode.ModelNotFound, `no model folder at ${String(flags.model)} (pass --model DIR; BENCHMARKS.md shows how to make the heavy one)`);
      }
      const { runBench } = await import('../../../bench/bench-runner.ts');
      await runBench(scenario as Parameters<typeof runBench>[0], flags as unknown as Parameters<typeof runBench>[1], ['bench', ...process.argv.slice(3)]);
    });
}
