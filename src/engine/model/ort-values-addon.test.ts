import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadOrtValuesAddon, type NativeInput, type NativeValue, type OrtValuesAddon } from './ort-values-addon.ts';
import { type StateSpec, stackState, unstackState } from './state-batching.ts';

// The addon is built by the test run's globalSetup (test-support/global-setup.ts).
let addon: OrtValuesAddon;
beforeAll(() => {
  const load = loadOrtValuesAddon();
  if (!load.ok) throw new Error(load.reason);
  addon = load.addon;
  expect(load.version).toMatch(/^1\.\d+\.\d+/);
});

function ramp(n: number, offset = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => offset + i * 0.5);
}

describe('ort-values addon: tensors', () => {
  it('round-trips float32, int32 and int64 arrays with their dims', () => {
    for (const data of [ramp(6), Int32Array.of(1, -2, 3, 4, 5, 6), BigInt64Array.of(1n, -2n, 3n, 2n ** 40n, 5n, 6n)]) {
      const v = addon.fromArray(data, [2, 3]);
      expect(addon.info(v)).toEqual({ type: data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'int64', dims: [2, 3] });
      expect(addon.read(v)).toEqual(data);
      addon.release(v);
    }
  });

  // Zipformer2 mixes batch axes 0 and 1 (and 2 for some caches); the C code must cut exactly as state-batching.ts does.
  it.each([0, 1, 2])('stacks and unstacks along axis %i exactly like state-batching.ts', (axis) => {
    const dims = [2, 3, 4];
    dims[axis] = 1;
    const spec: StateSpec = { inputName: 'a', outputName: 'b', dims, batchAxis: axis, type: 'float32' };
    const size = dims.reduce((a, b) => a * b, 1);
    const streams = [0, 1, 2].map((s) => ramp(size, 100 * s));
    const stacked = addon.stack(
      streams.map((d) => addon.fromArray(d, dims)),
      axis,
    );
    const expected = stackState(spec, streams);
    expect(addon.info(stacked).dims).toEqual(expected.dims);
    expect(addon.read(stacked)).toEqual(expected.data);
    const pieces = addon.unstack(stacked, axis);
    expect(pieces.map((p) => addon.read(p))).toEqual(unstackState(spec, expected.data, 3));
    expect(addon.info(pieces[0]).dims).toEqual(dims);
  });

  it('rejects bad arguments with coded errors instead of crashing', () => {
    const v = addon.fromArray(ramp(4), [2, 2]);
    const w = addon.fromArray(ramp(6), [3, 2]);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => addon.fromArray(ramp(5), [2, 2]))).toBe('ORT_BAD_ARGUMENT');
    expect(code(() => addon.fromArray(new Float64Array(4) as unknown as Float32Array, [4]))).toBe('ORT_BAD_ARGUMENT');
    expect(code(() => addon.stack([v, w], 1))).toBe('ORT_SHAPE_MISMATCH');
    expect(code(() => addon.stack([v], 5))).toBe('ORT_BAD_ARGUMENT');
    expect(code(() => addon.read({} as NativeValue))).toBe('ORT_BAD_ARGUMENT');
    expect(code(() => addon.read(42 as unknown as NativeValue))).toBe('ORT_BAD_ARGUMENT');
    addon.release(v);
    expect(code(() => addon.read(v))).toBe('ORT_BAD_ARGUMENT'); // released: a clear error, not a use-after-free
    addon.release(v); // twice is harmless
    expect(addon.read(w)).toEqual(ramp(6));
    const many = [addon.fromArray(ramp(2), [2]), addon.fromArray(ramp(3), [3])];
    addon.release([...many, v, 'not a handle' as unknown as NativeValue]); // an array in one call; foreign items ignored
    expect(code(() => addon.read(many[1]))).toBe('ORT_BAD_ARGUMENT');
  });
});

describe('ort-values addon: sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-ort-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives onnxruntime-node\'s outputs, with arrays in and with its own outputs fed back', async () => {
    const path = join(FIXTURE_MODELS.nemoCtc, 'model.onnx');
    const ref = await InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const s = addon.createSession(path, 1, 1, 99);
    expect(s.inputNames).toEqual(ref.inputNames);
    expect(s.outputNames).toEqual(ref.outputNames);
    // Batch 2, every symbolic dim 2; NeMo's int64 inputs are lengths (the window size) and counters.
    const arrays = ref.inputMetadata.map((m) => {
      if (!m.isTensor) throw new Error('not a tensor');
      const dims = m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 2));
      const size = dims.reduce((a, b) => a * b, 1);
      const data = m.type === 'int64' ? new BigInt64Array(size).fill(BigInt(dims[2] ?? 35)) : ramp(size).map((v) => Math.sin(v));
      return { data, dims };
    });
    (arrays[1].data as BigInt64Array).fill(BigInt(arrays[0].dims[2]));
    (arrays[4].data as BigInt64Array).fill(0n);
    const feeds = Object.fromEntries(ref.inputNames.map((n, i) => [n, new Tensor(arrays[i].data, arrays[i].dims)]));
    const want = await ref.run(feeds);
    const got = addon.run(
      s.handle,
      arrays.map((a): NativeInput => [a.data, a.dims]),
    );
    ref.outputNames.forEach((n, i) => {
      expect(addon.info(got[i]).dims).toEqual(want[n].dims);
      expect(addon.read(got[i])).toEqual(want[n].data);
    });
    // Second call: the state outputs (2..4) go back in as handles / as onnxruntime-node tensors.
    const want2 = await ref.run({ ...feeds, [ref.inputNames[2]]: want[ref.outputNames[2]], [ref.inputNames[3]]: want[ref.outputNames[3]], [ref.inputNames[4]]: want[ref.outputNames[4]] });
    const got2 = addon.run(s.handle, [[arrays[0].data, arrays[0].dims], [arrays[1].data, arrays[1].dims], got[2], got[3], got[4]]);
    ref.outputNames.forEach((n, i) => expect(addon.read(got2[i])).toEqual(want2[n].data));
    // runToArrays: the same outputs, copied out at once.
    const arraysOut = addon.runToArrays(s.handle, [[arrays[0].data, arrays[0].dims], [arrays[1].data, arrays[1].dims], got[2], got[3], got[4]]);
    ref.outputNames.forEach((n, i) => expect(arraysOut[i]).toEqual(want2[n].data));
    // Wrong dims for an input: the runtime's message, with a code.
    expect(() => addon.run(s.handle, [[arrays[0].data, [arrays[0].data.length]], got[2], got[2], got[3], got[4]])).toThrow(
      expect.objectContaining({ code: 'ORT_RUN_FAILED' }),
    );
    expect(() => addon.run(s.handle, [])).toThrow(/one input per session input/);
    addon.releaseSession(s.handle);
    expect(() => addon.run(s.handle, [])).toThrow(/not a live session handle/);
    await ref.release();
  });

  it('declares inputs and outputs as onnxruntime-node does: types, sizes, named and unnamed free dims, non-tensors', async () => {
    const path = join(dir, 'declared.onnx');
    // x: float [N, unnamed, 4]; y = x; mask = x > 0 (bool); seq: a sequence (not a tensor); n: int32 scalar.
    const script = [
      'import sys, onnx',
      'from onnx import helper as h, TensorProto as T',
      "g = h.make_graph([h.make_node('Identity', ['x'], ['y']), h.make_node('Greater', ['x', 'zero'], ['mask']),",
      "    h.make_node('SequenceConstruct', ['x'], ['seq']), h.make_node('Constant', [], ['n'], value=h.make_tensor('c', T.INT32, [], [3]))], 'g',",
      "    [h.make_tensor_value_info('x', T.FLOAT, ['N', None, 4])],",
      "    [h.make_tensor_value_info('y', T.FLOAT, ['N', None, 4]), h.make_tensor_value_info('mask', T.BOOL, ['N', None, 4]),",
      "     h.make_tensor_sequence_value_info('seq', T.FLOAT, None), h.make_tensor_value_info('n', T.INT32, [])],",
      "    [h.make_tensor('zero', T.FLOAT, [], [0.0])])",
      "onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), sys.argv[1])",
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', script, path]);
    const ref = await InferenceSession.create(path);
    const s = addon.createSession(path, 1, 1, 99);
    try {
      expect(s.inputs).toEqual(ref.inputMetadata);
      expect(s.outputs).toEqual(ref.outputMetadata);
      expect(s.outputs.map((o) => (o.isTensor ? `${o.type}[${o.shape?.join(',')}]` : 'sequence'))).toEqual(['float32[N,,4]', 'bool[N,,4]', 'sequence', 'int32[]']);
    } finally {
      addon.releaseSession(s.handle);
      await ref.release();
    }
  });

  it('throws a coded error for a corrupt model file', () => {
    const path = join(dir, 'corrupt.onnx');
    writeFileSync(path, 'not an onnx model');
    expect(() => addon.createSession(path, 1, 1, 99)).toThrow(expect.objectContaining({ code: 'ORT_RUN_FAILED' }));
  });
});
