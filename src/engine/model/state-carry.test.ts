import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { loadEncoderModel } from './model-detector.ts';
import type { StateData } from './state-batching.ts';
import { StateCarry } from './state-carry.ts';
import type { StreamingEncoder, EncoderModel } from './streaming-model.ts';

/** Deterministic pseudo-log-mel frames for `n` streams, different per seed. */
function features(encoder: StreamingEncoder, n: number, seed: number): Float32Array {
  const f = new Float32Array(n * encoder.chunkLength * encoder.featureDim);
  for (let i = 0; i < f.length; i++) f[i] = -6 + 4 * Math.sin(i * 0.37 + seed * 1.7) * Math.cos(i * 0.011 * seed);
  return f;
}

// The same schedule of batches on a carrying and a plain encoder: repeated batches (the carry
// feeds its held outputs back), then changed ones (it settles them) — outputs and final states
// must be identical.
const SCHEDULE = [
  [0, 1, 2],
  [0, 1, 2],
  [0, 1, 2],
  [0, 2],
  [1],
  [1],
  [2, 0, 1],
];

const CASES = [
  ['nemoCtc', 'onnxruntime-node'],
  ['nemoCtc', 'native'],
  ['zipformer2', 'onnxruntime-node'],
  ['zipformer2', 'native'],
] as const;

// The reference is always onnxruntime-node without a carry: the native binding (which keeps its
// states as native tensors, batched like the carry) must give bit-identical outputs and states.
describe.each(CASES)('%s state carry on %s', (family, encoderBinding) => {
  let carrying: EncoderModel;
  let plain: EncoderModel;
  beforeAll(async () => {
    carrying = await loadEncoderModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1, carryStates: 'on', encoderBinding });
    plain = await loadEncoderModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1, carryStates: 'off', encoderBinding: 'onnxruntime-node' });
    expect(carrying.encoder.binding).toBe(encoderBinding);
  });
  afterAll(async () => {
    await carrying.dispose();
    await plain.dispose();
  });

  it('gives the outputs and states of the plain path, batch after batch', async () => {
    const a = carrying.encoder;
    const b = plain.encoder;
    const sa: StateData[][] = [0, 1, 2].map(() => a.initStates());
    const sb: StateData[][] = [0, 1, 2].map(() => b.initStates());
    for (const [k, ids] of SCHEDULE.entries()) {
      const x = features(a, ids.length, k + 1);
      const ra = await a.run(
        x,
        ids.map((i) => sa[i]),
      );
      const rb = await b.run(
        x,
        ids.map((i) => sb[i]),
      );
      expect(Array.from(ra.output)).toEqual(Array.from(rb.output));
      ids.forEach((id, j) => {
        sa[id] = ra.states[j];
        sb[id] = rb.states[j];
      });
    }
    for (let i = 0; i < 3; i++) {
      const read = await a.readStates(sa[i]);
      expect(read.map((s) => Array.from(s, Number))).toEqual(sb[i].map((s) => Array.from(s, Number)));
    }
  });

  it('keeps a stream’s states intact when a call fails', async () => {
    const enc = carrying.encoder;
    let states = [enc.initStates(), enc.initStates()];
    states = (await enc.run(features(enc, 2, 5), states)).states;
    const wrongShape = new Float32Array(3);
    await expect(enc.run(wrongShape, states)).rejects.toMatchObject({ code: expect.any(String) });
    const again = await enc.run(features(enc, 2, 6), states);
    expect(again.frames).toBeGreaterThan(0);
    expect((await enc.readStates(again.states[0])).every((s) => s.length > 0)).toBe(true);
  });
});

// What the carry does on onnxruntime-node, where the handles show it (native handles stay empty).
describe.each(['nemoCtc', 'zipformer2'] as const)('%s state carry on onnxruntime-node, held batches', (family) => {
  let carrying: EncoderModel;
  beforeAll(async () => {
    carrying = await loadEncoderModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1, carryStates: 'on', encoderBinding: 'onnxruntime-node' });
  });
  afterAll(() => carrying.dispose());

  it('holds a repeated batch instead of splitting it, and splits it when the batch changes', async () => {
    const enc = carrying.encoder;
    let states = [enc.initStates(), enc.initStates()];
    for (let k = 0; k < 3; k++) states = (await enc.run(features(enc, 2, k + 7), states)).states;
    // Still held in the last call's batched outputs: the handles are empty placeholders.
    expect(states[0].every((s) => s.length === 0)).toBe(true);
    // A different batch (one stream alone) settles the held batch first.
    const alone = await enc.run(features(enc, 1, 3), [states[1]]);
    expect(states[0].every((s) => s.length > 0)).toBe(true);
    expect(states[1].every((s) => s.length > 0)).toBe(true);
    const read = await enc.readStates(alone.states[0]);
    expect(read.every((s) => s.length > 0)).toBe(true);
  });
});

describe('StateCarry read-back hook', () => {
  const spec = { inputName: 'cache', outputName: 'cache_next', dims: [1, 3], batchAxis: 0, type: 'float32' } as const;
  const batchOf = (n: number, base: number) => [new Tensor('float32', Float32Array.from({ length: 3 * n }, (_, i) => base + i), [n, 3])];

  it('reads a held batch back through the hook only when the batch changes, once per state', async () => {
    const reads: Tensor[] = [];
    const carry = new StateCarry([spec], true, (t) => {
      reads.push(t);
      return Promise.resolve(t.data);
    });
    const [a, b] = await carry.adopt(batchOf(2, 0), 2);
    // The same streams in the same order: the held tensors go back in, nothing is read.
    const again = await carry.inputs([a, b]);
    expect(again.reused).toBeDefined();
    expect(reads).toHaveLength(0);
    await carry.consumed(again.reused, true);
    const [a2, b2] = await carry.adopt(batchOf(2, 100), 2);
    // Another order: the held batch is read once and split, then stacked in the new order.
    const swapped = await carry.inputs([b2, a2]);
    expect(reads).toHaveLength(1);
    expect(swapped.reused).toBeUndefined();
    expect([...(swapped.tensors[0].data as Float32Array)]).toEqual([103, 104, 105, 100, 101, 102]);
  });
});
