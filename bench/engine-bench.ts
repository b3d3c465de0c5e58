/**
 * Engine benchmark (not a test): Earshot's engine vs sherpa-onnx-node's OnlineRecognizer on the
 * same model files and the same audio, side by side in one run.
 *
 *   npm run bench:engine -- [--model DIR] [--streams 64] [--batches 1,4,16,64] [--threads 1] [--repeats 2] [--fbank wasm|js] [--carry auto|on|off]
 *                           [--bindings native,onnxruntime-node]
 *                           [--memory-streams 1000]
 *
 * Model: --model, else models/earshot-en-small if present, else a random-weight model of the
 * shipped architecture at full size (generated into .fixtures/). Audio: N streams of jfk.wav,
 * each rotated by a different offset so that the batch holds different content.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OnlineFbank } from '../src/engine/features/online-fbank.ts';
import { loadPowerSpectrum, type PowerSpectrumKernel, type SpectrumBackend } from '../src/engine/features/power-spectrum.ts';
import type { CarryStates, EncoderBinding } from '../src/engine/model/session-factory.ts';
import { createOnlineRecognizer } from '../src/engine/online-recognizer.ts';
import { EngineStream } from '../src/engine/online-stream.ts';
import type { OnlineRecognizer, OnlineStream } from '../src/engine/recognizer-api.ts';
import { FIXTURE_MODELS, REPO_ROOT, SPEECH } from '../test-support/fixture-paths.ts';
import { ensureFixtures } from '../test-support/fixtures/ensure-fixtures.ts';
import { readWav } from '../test-support/fixtures/read-wav.ts';
import { type FixtureFamily, sherpaRecognizer, tailPadding } from '../test-support/fixtures/sherpa-reference.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    streams: { type: 'string', default: '64' },
    batches: { type: 'string', default: '1,4,16,64' },
    threads: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '2' },
    /** FFT kernel of Earshot's fbank: wasm (default) or js (the float64 FFT of before 2026-11-27). */
    fbank: { type: 'string', default: 'wasm' },
    /** Earshot's state carry (state-carry.ts): auto (the engine's default), on, off. */
    carry: { type: 'string', default: 'auto' },
    /** Earshot's encoder bindings to run side by side (streaming-encoder-factory.ts). */
    bindings: { type: 'string', default: 'native,onnxruntime-node' },
    /** Live streams for the memory measurement: many, so that RSS noise (MBs) divides away. */
    'memory-streams': { type: 'string', default: '1000' },
    /** Internal: measure one engine's per-stream memory in a fresh process and print it. */
    'memory-of': { type: 'string' },
  },
});
const numStreams = Number(args.streams);
const memoryStreams = Number(args['memory-streams']);
const batches = String(args.batches).split(',').map(Number);
const threads = Number(args.threads);
const REPEATS = Number(args.repeats);
const fbankBackend = args.fbank as SpectrumBackend;
const carryStates = args.carry as CarryStates;
const bindings = String(args.bindings).split(',') as EncoderBinding[];

function pickModel(): string {
  if (args.model) return args.model;
  const shipped = join(REPO_ROOT, 'models', 'earshot-en-small');
  if (existsSync(join(shipped, 'tokens.txt'))) return shipped;
  ensureFixtures(['benchCtc']);
  return FIXTURE_MODELS.benchCtc;
}

const modelDir = pickModel();
const family: FixtureFamily = readdirSync(modelDir).some((f) => f.startsWith('encoder')) ? 'zipformer2' : 'nemoCtc';
const jfk = readWav(SPEECH.jfk);
const audio = Array.from({ length: numStreams }, (_, i) => {
  const shift = Math.round(((i * 0.37) % 11) * jfk.sampleRate);
  return Float32Array.from([...jfk.samples.subarray(shift), ...jfk.samples.subarray(0, shift)]);
});
const audioSeconds = (numStreams * jfk.samples.length) / jfk.sampleRate;

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSeconds = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
const rssKb = () => process.memoryUsage().rss / 1024;

interface Run {
  feedS: number;
  decodeS: number;
  /** CPU time of the whole process (all threads): robust on a shared, busy machine. */
  cpuS: number;
  /** Of which: feeding the audio (resampling + fbank). */
  feedCpuS: number;
  calls: number;
}

/**
 * Of several runs of each engine, the one with the least CPU time (the least disturbed by other
 * load); the engines take turns run by run, so that this machine's drift hits them alike.
 */
async function bestInterleaved(runs: number, fns: readonly (() => Promise<Run> | Run)[]): Promise<Run[]> {
  const picks: (Run | undefined)[] = fns.map(() => undefined);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const r = await fn();
      if (!picks[k] || r.cpuS < (picks[k] as Run).cpuS) picks[k] = r;
    }
  }
  return picks as Run[];
}

async function runOurs(rec: OnlineRecognizer, batch: number): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const streams: OnlineStream[] = audio.map((samples) => {
    const s = rec.createStream();
    s.acceptWaveform(16000, samples);
    s.acceptWaveform(16000, tailPadding(16000));
    s.inputFinished();
    return s;
  });
  const feedS = seconds(t0);
  const feedCpuS = cpuSeconds(c0);
  const t1 = process.hrtime.bigint();
  let calls = 0;
  for (;;) {
    const ready = streams.filter((s) => rec.isReady(s)).slice(0, batch);
    if (ready.length === 0) break;
    await rec.decodeStreams(ready);
    calls++;
  }
  return { feedS, decodeS: seconds(t1), cpuS: cpuSeconds(c0), feedCpuS, calls };
}

function runSherpa(batch: number): Run {
  const rec = sherpaRecognizer(family, modelDir, { decodingMethod: 'greedy_search', numThreads: threads });
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const streams = audio.map((samples) => {
    const s = rec.createStream();
    s.acceptWaveform({ samples, sampleRate: 16000 });
    s.acceptWaveform({ samples: tailPadding(16000), sampleRate: 16000 });
    s.inputFinished();
    return s;
  });
  const feedS = seconds(t0);
  const feedCpuS = cpuSeconds(c0);
  const t1 = process.hrtime.bigint();
  let calls = 0;
  for (;;) {
    const ready = streams.filter((s) => rec.isReady(s)).slice(0, batch);
    if (ready.length === 0) break;
    rec.decodeStreams(ready);
    calls++;
  }
  return { feedS, decodeS: seconds(t1), cpuS: cpuSeconds(c0), feedCpuS, calls };
}

/** CPU seconds of our fbank alone over all the audio, with the given FFT kernel. */
function fbankOnly(spectrum: PowerSpectrumKernel): number {
  const c0 = process.cpuUsage();
  for (const samples of audio) {
    const f = new OnlineFbank({}, spectrum);
    f.acceptWaveform(samples);
    f.inputFinished();
  }
  return cpuSeconds(c0);
}

/**
 * RSS growth per live stream: N streams fed 2 s each and decoded as far as possible, so that
 * every stream holds real (not lazily shared) states and buffered features. A first round of N
 * streams (kept alive) is not counted: it warms the session's one-time workspace for batch N,
 * which is not a per-stream cost (counting it made a batch-64 workspace look like 1.5 MB per stream).
 */
async function memoryPerStream(feed: (samples: Float32Array) => void, decodeAll: () => Promise<void> | void): Promise<number> {
  // 2 s of audio per stream, cycling through the clips; a first round warms up allocators and JIT.
  const round = () => {
    for (let i = 0; i < memoryStreams; i++) feed(audio[i % audio.length].subarray(0, 32000));
  };
  round();
  await decodeAll();
  global.gc?.();
  const before = rssKb();
  round();
  await decodeAll();
  global.gc?.();
  return (rssKb() - before) / memoryStreams;
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const engines = await Promise.all(
    bindings.map((encoderBinding) => createOnlineRecognizer({ modelDir, numThreads: threads, fbankBackend, carryStates, encoderBinding })),
  );
  const ours = engines[0];
  const core = cpus()[0]?.model ?? '?';
  console.log(`# Earshot engine vs sherpa-onnx-node 1.13.8 (${new Date().toISOString().slice(0, 10)})`);
  console.log(`model: ${modelDir} (${ours.modelInfo.family}), provider ${ours.provider}, intra-op threads ${threads}, state carry ${carryStates}, encoder bindings ${engines.map((e) => e.encoderBinding).join(', ')}`);
  console.log(`machine: ${cpus().length} cores (${core}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`);
  console.log(`audio: ${numStreams} streams × ${fmt(jfk.samples.length / 16000, 2)} s of jfk.wav (rotated), + 0.66 s tail each; best of ${REPEATS} runs\n`);

  const rates = [];
  for (const backend of ['js', 'wasm'] as const) {
    const kernel = await loadPowerSpectrum(512, backend);
    fbankOnly(kernel); // JIT warm-up
    rates.push(`${kernel.name} ${fmt(audioSeconds / fbankOnly(kernel), 0)}×`);
  }
  console.log(`fbank only (ours, OnlineFbank, whole-file chunks, after warm-up), real time per core: ${rates.join(', ')} (the recognizer uses ${(await loadPowerSpectrum(512, fbankBackend)).name})\n`);

  console.log('| batch | engine | × real time (wall) | RT streams per core (CPU time) | wall s: feed+fbank / decode | CPU s: feed+fbank / decode | calls |');
  console.log('|---|---|---|---|---|---|---|');
  const ratios: string[] = [];
  for (const batch of batches) {
    const runs = await bestInterleaved(REPEATS, [...engines.map((e) => () => runOurs(e, batch)), () => runSherpa(batch)]);
    const b = runs[runs.length - 1];
    const names = [...engines.map((e) => `earshot (${e.encoderBinding})`), 'sherpa-onnx'];
    runs.forEach((r, k) => {
      const xrt = audioSeconds / (r.feedS + r.decodeS);
      const cpu = `${fmt(r.feedCpuS, 2)} / ${fmt(r.cpuS - r.feedCpuS, 2)}`;
      console.log(`| ${batch} | ${names[k]} | ${fmt(xrt)} | ${fmt(audioSeconds / r.cpuS)} | ${fmt(r.feedS, 2)} / ${fmt(r.decodeS, 2)} | ${cpu} | ${r.calls} |`);
    });
    const parts = engines.map((e, k) => {
      const a = runs[k];
      return `${e.encoderBinding} ${fmt(b.cpuS / a.cpuS, 2)} (decode only ${fmt((b.cpuS - b.feedCpuS) / (a.cpuS - a.feedCpuS), 2)})`;
    });
    ratios.push(`batch ${batch}: ${parts.join(', ')}`);
  }
  console.log(`\nearshot throughput / sherpa-onnx throughput (CPU time): ${ratios.join(', ')}`);

  console.log(`model load (a recognizer created and disposed, after a first load; median of ${LOAD_ROUNDS}, engines interleaved): ${(await loadTimes()).join(', ')}`);

  const probe = ours.createStream() as EngineStream;
  const stateKb = probe.states.reduce((n, x) => n + x.byteLength, 0) / 1024;
  const memOurs = engines.map((e) => `earshot (${e.encoderBinding}) ${fmt(memoryInChild(`earshot:${e.encoderBinding}`), 0)} KiB`);
  const memSherpa = memoryInChild('sherpa-onnx');
  console.log(
    `per-stream memory (RSS growth per live stream, ${memoryStreams} streams with 2 s of audio decoded, fresh process each): ${memOurs.join(', ')} (encoder states ${fmt(stateKb, 0)} KiB), sherpa-onnx ${fmt(memSherpa, 0)} KiB`,
  );
  await Promise.all(engines.map((e) => e.dispose()));
}

const LOAD_ROUNDS = 7;

/** Wall milliseconds to create a recognizer (model files opened, sessions ready), per engine. */
async function loadTimes(): Promise<string[]> {
  const loaders: [string, () => Promise<() => Promise<void>>][] = [
    ...bindings.map((encoderBinding): [string, () => Promise<() => Promise<void>>] => [
      `earshot (${encoderBinding})`,
      async () => {
        const rec = await createOnlineRecognizer({ modelDir, numThreads: threads, fbankBackend, carryStates, encoderBinding });
        return () => rec.dispose();
      },
    ]),
    ['sherpa-onnx', async () => (sherpaRecognizer(family, modelDir, { numThreads: threads }), async () => {})],
  ];
  const ms: number[][] = loaders.map(() => []);
  for (let i = 0; i < LOAD_ROUNDS; i++) {
    for (const [k, [, load]] of loaders.entries()) {
      const t0 = process.hrtime.bigint();
      const dispose = await load();
      ms[k].push(seconds(t0) * 1000);
      await dispose();
    }
  }
  return loaders.map(([name], k) => `${name} ${fmt(ms[k].sort((a, b) => a - b)[LOAD_ROUNDS >> 1], 0)} ms`);
}

/** Runs this script again in a fresh process to measure one engine's memory alone. */
function memoryInChild(engine: string): number {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--model', modelDir, '--streams', String(numStreams), '--threads', String(threads), '--fbank', fbankBackend, '--carry', carryStates, '--memory-streams', String(memoryStreams), '--memory-of', engine],
    { encoding: 'utf8' },
  );
  return Number(out.trim().split('\n').pop());
}

async function measureMemoryOf(engine: string): Promise<void> {
  if (engine.startsWith('earshot:')) {
    const encoderBinding = engine.slice('earshot:'.length) as EncoderBinding;
    const rec = await createOnlineRecognizer({ modelDir, numThreads: threads, fbankBackend, carryStates, encoderBinding });
    const streams: OnlineStream[] = [];
    const kb = await memoryPerStream(
      (samples) => {
        const s = rec.createStream();
        s.acceptWaveform(16000, samples);
        streams.push(s);
      },
      async () => {
        for (;;) {
          const ready = streams.filter((s) => rec.isReady(s));
          if (ready.length === 0) return;
          await rec.decodeStreams(ready);
        }
      },
    );
    console.log(kb);
    return;
  }
  const rec = sherpaRecognizer(family, modelDir, { numThreads: threads });
  const streams: ReturnType<typeof rec.createStream>[] = [];
  const kb = await memoryPerStream(
    (samples) => {
      const s = rec.createStream();
      s.acceptWaveform({ samples, sampleRate: 16000 });
      streams.push(s);
    },
    () => {
      for (;;) {
        const ready = streams.filter((s) => rec.isReady(s));
        if (ready.length === 0) return;
        rec.decodeStreams(ready);
      }
    },
  );
  console.log(kb);
}

if (args['memory-of']) await measureMemoryOf(args['memory-of']);
else await main();
