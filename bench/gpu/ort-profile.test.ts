import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../test-support/fixture-paths.ts';
import { formatProfileSummary, summarizeProfile, type OrtProfileEvent } from './ort-profile.ts';

/** A real trace: the NeMo CTC fixture run 5 times on the CPU provider with profiling on. */
async function traceOfFiveRuns(dir: string): Promise<OrtProfileEvent[]> {
  const session = await InferenceSession.create(join(FIXTURE_MODELS.nemoCtc, 'model.onnx'), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: join(dir, 'trace'),
  });
  const feeds: Record<string, Tensor> = {};
  for (const [i, name] of session.inputNames.entries()) {
    const meta = session.inputMetadata[i];
    if (!meta.isTensor) throw new Error(`${name} is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 2)); // symbolic dims: batch 2
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[name] = meta.type === 'int64'
      ? new Tensor('int64', BigInt64Array.from({ length: size }, () => BigInt(name === 'length' ? dims.at(-1)! : 0)), dims)
      : new Tensor('float32', new Float32Array(size), dims);
  }
  // The fixture's length input counts the audio frames of the chunk.
  const audio = feeds[session.inputNames[0]];
  feeds.length = new Tensor('int64', BigInt64Array.from({ length: audio.dims[0] }, () => BigInt(audio.dims[2])), [audio.dims[0]]);
  for (let i = 0; i < 5; i++) await session.run(feeds);
  await session.release(); // writes the trace
  const file = readdirSync(dir).find((f) => f.startsWith('trace'));
  if (!file) throw new Error('no trace written');
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtProfileEvent[];
}

describe('summarizeProfile on a real onnxruntime trace', () => {
  let dir: string;
  let events: OrtProfileEvent[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-ort-profile-'));
    events = await traceOfFiveRuns(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the runs after the warm-up and splits node time by op and provider', () => {
    const s = summarizeProfile(events, 2);
    expect(s.runs).toBe(3);
    expect(s.msPerRun).toBeGreaterThan(0);
    expect(s.byProvider.map((r) => r.key)).toEqual(['CPU']);
    const matmul = s.byOp.find((r) => r.key === 'MatMul@CPU');
    expect(matmul?.count).toBeGreaterThan(0);
    // Per run, every counted run executes the same nodes.
    expect(Number.isInteger(matmul!.count)).toBe(true);
    // Node time cannot exceed the runs' wall time (one thread, sequential execution).
    expect(s.byProvider[0].msPerRun).toBeLessThanOrEqual(s.msPerRun);
    expect(s.byOp.map((r) => r.msPerRun)).toEqual([...s.byOp.map((r) => r.msPerRun)].sort((a, b) => b - a));
    expect(s.copiesPerRun).toBe(0);
    expect(s.gpuKernels).toEqual([]); // the CPU provider times no GPU kernels
  });

  it('leaves out the warm-up runs: skipping none counts all five', () => {
    expect(summarizeProfile(events).runs).toBe(5);
  });

  it('refuses a trace with no run left to count', () => {
    expect(() => summarizeProfile(events, 5)).toThrow(/5 model_run event\(s\); none left after skipping 5/);
  });

  it('formats a markdown table of the largest costs', () => {
    const text = formatProfileSummary(summarizeProfile(events, 2), 3);
    expect(text).toMatch(/^model_run: [\d.]+ ms over 3 run\(s\); node time by provider: CPU [\d.]+ ms/);
    expect(text).toContain('GPU kernels: none timed');
    expect(text.split('\n').filter((l) => /^\| \S+@CPU \|/.test(l))).toHaveLength(3);
  });
});

describe('summarizeProfile on GPU kernel events', () => {
  it('sums the timed kernels over every run of the trace and counts host<->device copies', () => {
    const run = (ts: number): OrtProfileEvent => ({ cat: 'Session', name: 'model_run', ts, dur: 10_000 });
    const node = (ts: number, op: string, provider: string, dur: number): OrtProfileEvent => ({
      cat: 'Node', name: `n${ts}_kernel_time`, ts, dur, args: { op_name: op, provider },
    });
    const events: OrtProfileEvent[] = [
      run(0), node(1, 'MatMul', 'WebGpuExecutionProvider', 900), node(2, 'MemcpyToHost', 'WebGpuExecutionProvider', 3000),
      run(20_000), node(20_001, 'MatMul', 'WebGpuExecutionProvider', 100), node(20_002, 'MemcpyToHost', 'WebGpuExecutionProvider', 2000),
      node(20_003, 'Where', 'CPUExecutionProvider', 500),
      { cat: 'Api', name: 'MatMul', ts: 5, dur: 4000 }, { cat: 'Api', name: 'MatMul', ts: 9, dur: 4000 },
      { cat: 'Api', name: 'Softmax', ts: 7, dur: 1000 },
    ];
    const s = summarizeProfile(events, 1);
    expect(s.runs).toBe(1);
    expect(s.byProvider).toEqual([
      { key: 'WebGpu', count: 2, msPerRun: 2.1 },
      { key: 'CPU', count: 1, msPerRun: 0.5 },
    ]);
    expect(s.copiesPerRun).toBe(1);
    // Kernel times are on the device's clock: counted over both runs of the trace.
    expect(s.gpuKernels).toEqual([
      { key: 'MatMul', count: 1, msPerRun: 4 },
      { key: 'Softmax', count: 0.5, msPerRun: 0.5 },
    ]);
    expect(s.gpuMsPerRun).toBe(4.5);
  });
});
