import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { loadEncoderModel } from './model-detector.ts';
import type { StateData } from './state-batching.ts';
import type { StreamingEncoder, EncoderModel } from './streaming-model.ts';

/** Deterministic pseudo-log-mel frames, different per seed. */
function features(encoder: StreamingEncoder, seed: number): Float32Array {
  const f = new Float32Array(encoder.chunkLength * encoder.featureDim);
  for (let i = 0; i < f.length; i++) f[i] = -6 + 4 * Math.sin(i * 0.37 + seed * 1.7) * Math.cos(i * 0.011 * seed);
  return f;
}

async function advance(encoder: StreamingEncoder, states: StateData[], seed: number, steps: number): Promise<StateData[]> {
  for (let k = 0; k < steps; k++) states = (await encoder.run(features(encoder, seed * 10 + k), [states])).states[0];
  return states;
}

/** A run consumes its states; a copy (values read back into a new handle) can be run again. */
async function copy(encoder: StreamingEncoder, states: StateData[]): Promise<StateData[]> {
  return [...(await encoder.readStates(states))];
}

const CASES = [
  ['zipformer2', 'onnxruntime-node'],
  ['zipformer2', 'native'],
  ['nemoCtc', 'onnxruntime-node'],
  ['nemoCtc', 'native'],
] as const;

describe.each(CASES)('%s encoder batching on %s', (family, encoderBinding) => {
  let model: EncoderModel;
  beforeAll(async () => {
    // The plain path (states split after every call); state-carry.test.ts covers the carry.
    model = await loadEncoderModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1, carryStates: 'off', encoderBinding });
    expect(model.encoder.binding).toBe(encoderBinding);
  });
  afterAll(() => model.dispose());

  it('one batched call gives each stream what its own call gives', async () => {
    const enc = model.encoder;
    expect(enc.supportsBatch).toBe(true);
    // Three streams with different histories (so their states differ).
    const states = await Promise.all([1, 2, 3].map((seed) => advance(enc, enc.initStates(), seed, seed)));
    const x = [7, 8, 9].map((seed) => features(enc, seed));
    const batchInput = new Float32Array(3 * x[0].length);
    x.forEach((f, i) => batchInput.set(f, i * f.length));
    const batched = await enc.run(batchInput, await Promise.all(states.map((s) => copy(enc, s))));
    for (let i = 0; i < 3; i++) {
      const single = await enc.run(x[i], [states[i]]);
      const per = single.frames * single.dim;
      expect(batched.frames).toBe(single.frames);
      const row = batched.output.subarray(i * per, (i + 1) * per);
      row.forEach((v, k) => expect(v).toBeCloseTo(single.output[k], 5));
      const want = await enc.readStates(single.states[0]);
      (await enc.readStates(batched.states[i])).forEach((s, k) => {
        expect(s.length).toBe(want[k].length);
        Array.from(s, Number).forEach((v, j) => expect(v).toBeCloseTo(Number(want[k][j]), 5));
      });
    }
  });

  it('really consumes its states: swapping two streams states changes their outputs', async () => {
    const enc = model.encoder;
    const a = await advance(enc, enc.initStates(), 4, 3);
    const b = await advance(enc, enc.initStates(), 5, 3);
    const x = features(enc, 11);
    const right = await enc.run(x, [a]);
    expect(right.output.length).toBeGreaterThan(0);
    const wrong = await enc.run(x, [b]);
    const diff = right.output.reduce((m, v, k) => Math.max(m, Math.abs(v - wrong.output[k])), 0);
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('feeds the int64 counter back through batching', async () => {
    const enc = model.encoder;
    const last = enc.stateSpecs.length - 1;
    expect(enc.stateSpecs[last].type).toBe('int64');
    const s1 = await advance(enc, enc.initStates(), 1, 1);
    const s3 = await advance(enc, enc.initStates(), 2, 3);
    const before = (await enc.readStates(s1))[last][0] as bigint;
    const x = new Float32Array(2 * enc.chunkLength * enc.featureDim);
    const out = await enc.run(x, [s1, s3]);
    const counters = await Promise.all(out.states.map(async (s) => (await enc.readStates(s))[last][0] as bigint));
    // Each call adds a fixed amount (zipformer2: 16 frames at 50 Hz; NeMo: 8 chunk frames, capped at the 32-frame cache).
    expect(counters[1] - counters[0]).toBe(family === 'zipformer2' ? 32n : 16n);
    expect(counters[0]).toBe(before + (family === 'zipformer2' ? 16n : 8n));
  });
});
