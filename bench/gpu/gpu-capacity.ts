/**
 * Real-time stream capacity of Earshot's engine per execution provider (not a test). Made for a
 * lent GPU machine (bench/gpu/README.md), where it runs as one esbuild bundle next to
 * onnxruntime-node alone; it runs anywhere with `npm run bench:gpu`.
 *
 *   npm run bench:gpu -- --model DIR [--wav FILE] [--variants webgpu:carry,webgpu:copy,cpu:copy]
 *                        [--batches 1,16,64,256] [--threads 16] [--max-seconds 40] [--json FILE]
 *
 * Each variant is one recognizer: provider `webgpu` or `cpu`, with the state carry (`carry`:
 * encoder states stay in the last call's batched outputs — on the GPU with WebGPU — while the
 * same streams are batched again) or without (`copy`: states stacked/split and, on the GPU,
 * copied host ↔ device on every call). For each batch size B it decodes B streams of the clip
 * (each rotated differently) in lockstep, B streams per call, after a warm-up that compiles the
 * shapes. "RT streams" = seconds of audio decoded per wall second: how many real-time streams
 * one decoding loop could keep up with; fbank is counted apart (it runs per stream, on the CPU,
 * as audio arrives).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { InferenceSession } from 'onnxruntime-node';
import { createOnlineRecognizer } from '../../src/engine/online-recognizer.ts';
import type { OnlineRecognizer, OnlineStream } from '../../src/engine/recognizer-api.ts';
import { readWav } from '../../test-support/fixtures/read-wav.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    wav: { type: 'string', default: '../shared/data/real-speech/jfk.wav' },
    variants: { type: 'string', default: 'webgpu:carry,webgpu:copy,cpu:copy' },
    batches: { type: 'string', default: '1,16,64,256' },
    threads: { type: 'string', default: String(Math.min(16, cpus().length)) },
    /** A variant skips its larger batches once one batch took longer than this (wall seconds). */
    'max-seconds': { type: 'string', default: '40' },
    json: { type: 'string' },
    /** Print only table rows (one process per variant, rows appended to one table). */
    'no-header': { type: 'boolean', default: false },
  },
});
if (!args.model) throw new Error('--model DIR is required');
const modelDir = args.model;
const batches = String(args.batches).split(',').map(Number);
const threads = Number(args.threads);
const maxSeconds = Number(args['max-seconds']);
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

interface BatchResult {
  batch: number;
  audioSeconds: number;
  fbankSeconds: number;
  decodeSeconds: number;
  calls: number;
  rtStreams: number;
  msPerCall: number;
}

interface VariantResult {
  variant: string;
  provider: string;
  carry: boolean;
  threads: number;
  loadSeconds: number;
  batches: BatchResult[];
  error?: string;
}

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

async function runVariant(spec: string): Promise<VariantResult> {
  const [provider, mode] = spec.split(':');
  const carry = mode === 'carry';
  const t0 = now();
  const rec = await createOnlineRecognizer({ modelDir, providers: [provider], numThreads: threads, carryStates: carry ? 'on' : 'off' });
  const result: VariantResult = { variant: spec, provider: rec.provider, carry, threads, loadSeconds: now() - t0, batches: [] };
  try {
    if (rec.provider !== provider) throw new Error(`asked for ${provider}, the session runs on ${rec.provider}: ${await whyNot(provider)}`);
    for (const batch of batches) {
      await decodeAll(rec, feed(rec, batch, 2), batch); // warm-up: this batch size's shapes, shaders, arenas
      const f0 = now();
      const streams = feed(rec, batch);
      const fbankSeconds = now() - f0;
      const d0 = now();
      const calls = await decodeAll(rec, streams, batch);
      const decodeSeconds = now() - d0;
      const audioSeconds = batch * clipSeconds;
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
  if (args.json) writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), modelDir, clipSeconds, cores: cpus().length, results }, null, 2));
}

await main();
