/**
 * Real-time stream capacity of Earshot's engine per execution provider (not a test). Made for a
 * lent GPU machine (bench/gpu/README.md), where it runs as one esbuild bundle next to
 * onnxruntime-node alone; it runs anywhere with `npm run bench:gpu`.
 *
 *   npm run bench:gpu -- --model DIR [--wav FILE] [--variants webgpu:carry,webgpu:copy,cpu:copy]
 *                        [--batches 1,16,64,256] [--threads 16] [--max-seconds 40] [--json FILE]
 *                        [--profile PREFIX] [--binding auto|onnxruntime-node] [--min-seconds 0]
 *
 * Each variant is one recognizer: provider `webgpu` or `cpu`, with the state carry (`carry`:
 * encoder states stay in the last call's batched outputs — on the GPU with WebGPU — while the
 * same streams are batched again) or without (`copy`: states stacked/split and, on the GPU,
 * copied host ↔ device on every call). For each batch size B it decodes B streams of the clip
 * (each rotated differently) in lockstep, B streams per call, after a warm-up that compiles the
 * shapes. "RT streams" = seconds of audio decoded per wall second: how many real-time streams
 * one decoding loop could keep up with; fbank is counted apart (it runs per stream, on the CPU,
 * as audio arrives).
 *
 * `--profile PREFIX` turns on onnxruntime's profiler for the sessions a variant opens through
 * onnxruntime-node (so not the CPU provider's native binding) and prints where the calls of the
 * last batch size went (bench/gpu/ort-profile.ts): GPU kernels, nodes left on the CPU, copies.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession } from 'onnxruntime-node';
import { createOnlineRecognizer } from '../../src/engine/online-recognizer.ts';
import type { OnlineRecognizer, OnlineStream } from '../../src/engine/recognizer-api.ts';
import { readWav } from '../../test-support/fixtures/read-wav.ts';
import type { BatchResult, CapacityFile, VariantResult } from './capacity-result.ts';
import { formatProfileSummary, summarizeProfile, type OrtProfileEvent } from './ort-profile.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    wav: { type: 'string', default: '../shared/data/real-speech/jfk.wav' },
    variants: { type: 'string', default: 'webgpu:carry,webgpu:copy,cpu:copy' },
    batches: { type: 'string', default: '1,16,64,256' },
    threads: { type: 'string', default: String(Math.min(16, cpus().length)) },
    /** A variant skips its larger batches once one batch took longer than this (wall seconds). */
    'max-seconds': { type: 'string', default: '40' },
    /** Repeat a batch size's measured pass until its decoding took this long (wall seconds). */
    'min-seconds': { type: 'string', default: '0' },
    json: { type: 'string' },
    /** Print only table rows (one process per variant, rows appended to one table). */
    'no-header': { type: 'boolean', default: false },
    /** Trace file prefix: profile each variant's onnxruntime-node sessions (see the header). */
    profile: { type: 'string' },
    /** How CPU rows call onnxruntime: 'auto' (the native binding where built) or 'onnxruntime-node'. */
    binding: { type: 'string', default: 'auto' },
  },
});
if (!args.model) throw new Error('--model DIR is required');
const modelDir = args.model;
const batches = String(args.batches).split(',').map(Number);
const threads = Number(args.threads);
const maxSeconds = Number(args['max-seconds']);
const minSeconds = Number(args['min-seconds']);
const binding = args.binding as 'auto' | 'onnxruntime-node';
if (binding !== 'auto' && binding !== 'onnxruntime-node') throw new Error(`--binding takes auto or onnxruntime-node, got '${binding}'`);
const clip = readWav(String(args.wav));
if (clip.sampleRate !== 16000) throw new Error(`${args.wav}: expected 16 kHz, got ${clip.sampleRate}`);
const clipSeconds = clip.samples.length / 16000;

// 16 rotations of the clip, so that a batch holds different content at each step.
const ROTATIONS = Array.from({ length: 16 }, (_, i) => {
  const shift = Math.round(((i * 0.37) % Math.max(1, clipSeconds - 1)) * 16000);
  const out = new Float32Array(clip.samples.length);
  out.set(clip.samples.subarray(shift));
  out.set(clip.samples.subarray(0, shift), clip.samples.length - shift);
  return out;
});
const rotated = (i: number): Float32Array => ROTATIONS[i % ROTATIONS.length];


const now = () => Number(process.hrtime.bigint()) / 1e9;

function feed(rec: OnlineRecognizer, n: number, seconds?: number): OnlineStream[] {
  return Array.from({ length: n }, (_, i) => {
    const s = rec.createStream();
    const samples = rotated(i);
    s.acceptWaveform(16000, seconds ? samples.subarray(0, Math.round(seconds * 16000)) : samples);
    s.inputFinished();
    return s;
  });
}

async function decodeAll(rec: OnlineRecognizer, streams: OnlineStream[], batch: number): Promise<number> {
  let calls = 0;
  for (;;) {
    const ready = streams.filter((s) => rec.isReady(s)).slice(0, batch);
    if (ready.length === 0) return calls;
    await rec.decodeStreams(ready);
    calls++;
  }
}

/** Makes every session opened through onnxruntime-node write a trace; returns the undo. */
function profileSessions(prefix: string): () => void {
  const create = InferenceSession.create;
  // The engine opens models by path (session-factory.ts); the other overloads are not used here.
  const byPath = create as (path: string, options?: InferenceSession.SessionOptions) => Promise<InferenceSession>;
  const traced = (path: string, options?: InferenceSession.SessionOptions) =>
    byPath.call(InferenceSession, path, { ...options, enableProfiling: true, profileFilePrefix: prefix });
  InferenceSession.create = traced as typeof InferenceSession.create;
  return () => {
    InferenceSession.create = create;
  };
}

/** The newest trace onnxruntime wrote under `prefix` (it appends the date and time). */
function newestTrace(prefix: string): string | undefined {
  const dir = dirname(prefix);
  const files = readdirSync(dir).filter((f) => f.startsWith(`${basename(prefix)}_`) && f.endsWith('.json'));
  return files.sort().map((f) => join(dir, f)).at(-1);
}

async function runVariant(spec: string): Promise<VariantResult> {
  const [provider, mode] = spec.split(':');
  const carry = mode === 'carry';
  const tracePrefix = args.profile ? `${args.profile}-${spec.replace(':', '-')}` : undefined;
  const untrace = tracePrefix ? profileSessions(tracePrefix) : () => {};
  const t0 = now();
  const rec = await createOnlineRecognizer({ modelDir, providers: [provider], numThreads: threads, carryStates: carry ? 'on' : 'off', encoderBinding: binding }).finally(untrace);
  const result: VariantResult = { variant: spec, provider: rec.provider, carry, threads, loadSeconds: now() - t0, batches: [] };
  let callsBeforeLast = 0;
  let callsTotal = 0;
  try {
    if (rec.provider !== provider) throw new Error(`asked for ${provider}, the session runs on ${rec.provider}: ${await whyNot(provider)}`);
    for (const batch of batches) {
      callsTotal += await decodeAll(rec, feed(rec, batch, 2), batch); // warm-up: this batch size's shapes, shaders, arenas
      callsBeforeLast = callsTotal;
      let fbankSeconds = 0;
      let decodeSeconds = 0;
      let calls = 0;
      let passes = 0;
      // --min-seconds: passes repeat, so that processes measured side by side overlap in time.
      do {
        const f0 = now();
        const streams = feed(rec, batch);
        fbankSeconds += now() - f0;
        const d0 = now();
        calls += await decodeAll(rec, streams, batch);
        decodeSeconds += now() - d0;
        passes++;
      } while (decodeSeconds < minSeconds);
      callsTotal += calls;
      const audioSeconds = passes * batch * clipSeconds;
      const r: BatchResult = {
        batch,
        audioSeconds,
        fbankSeconds,
        decodeSeconds,
        calls,
        rtStreams: audioSeconds / decodeSeconds,
        msPerCall: (1000 * decodeSeconds) / calls,
      };
      result.batches.push(r);
      console.log(
        `| ${spec} (${rec.provider}) | ${batch} | ${r.rtStreams.toFixed(0)} | ${r.msPerCall.toFixed(1)} | ${(audioSeconds / fbankSeconds).toFixed(0)} | ${calls} |`,
      );
      if (decodeSeconds > maxSeconds) break;
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    console.log(`| ${spec} | failed: ${result.error.split('\n')[0].slice(0, 300)} |`);
  } finally {
    await rec.dispose();
  }
  const trace = tracePrefix && newestTrace(tracePrefix);
  if (trace && result.batches.length > 0) {
    try {
      result.profile = summarizeProfile(JSON.parse(readFileSync(trace, 'utf8')) as OrtProfileEvent[], callsBeforeLast);
      console.log(`\n${spec}, batch ${result.batches.at(-1)!.batch}, onnxruntime profile (${trace}):\n${formatProfileSummary(result.profile)}\n`);
    } catch (err) {
      console.log(`| ${spec} | profile unreadable: ${(err as Error).message.slice(0, 200)} |`);
    }
  }
  return result;
}

/** The provider's own error message (the recognizer fell back to cpu without it). */
async function whyNot(provider: string): Promise<string> {
  try {
    const session = await InferenceSession.create(`${modelDir}/model.onnx`, { executionProviders: [provider] });
    await session.release();
    return 'it loads alone';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function main(): Promise<void> {
  if (!args['no-header']) {
    console.log(`# Earshot engine capacity per provider (${new Date().toISOString().slice(0, 10)})`);
    console.log(`model: ${modelDir}; clip ${args.wav} (${clipSeconds.toFixed(2)} s); ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), intra-op threads ${threads}; node ${process.version}\n`);
    console.log('| variant (provider) | batch | RT streams (decode) | ms per call | fbank × real time (1 core) | calls |');
    console.log('|---|---|---|---|---|---|');
  }
  const results: VariantResult[] = [];
  for (const v of String(args.variants).split(',')) results.push(await runVariant(v));
  const file: CapacityFile = { date: new Date().toISOString(), modelDir, clipSeconds, cores: cpus().length, results };
  if (args.json) writeFileSync(args.json, JSON.stringify(file, null, 2));
}

await main();
