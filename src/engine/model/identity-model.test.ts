import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModel, ONNX_ELEM_TYPE } from './identity-model.ts';

describe('identityModel: hand-encoded ONNX bytes that onnxruntime loads and runs', () => {
  let f32: InferenceSession;
  let i64: InferenceSession;
  beforeAll(async () => {
    f32 = await InferenceSession.create(identityModel(ONNX_ELEM_TYPE.float32), { executionProviders: ['cpu'] });
    i64 = await InferenceSession.create(identityModel(ONNX_ELEM_TYPE.int64), { executionProviders: ['cpu'] });
  });
  afterAll(async () => {
    await f32.release();
    await i64.release();
  });

  it('declares one input x and one output y of its element type', () => {
    expect(f32.inputNames).toEqual(['x']);
    expect(f32.outputNames).toEqual(['y']);
    expect(f32.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true, type: 'float32' });
    expect(i64.outputMetadata[0]).toMatchObject({ name: 'y', isTensor: true, type: 'int64' });
  });

  it.each([[[5]], [[2, 3]], [[2, 13, 32, 20]]])('returns its input unchanged, any rank: %j', async (dims) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: size }, (_, i) => i * 0.5 - 3);
    const { y } = await f32.run({ x: new Tensor('float32', x, dims) });
    expect(y.dims).toEqual(dims);
    expect(y.data).toEqual(x);
  });

  it('carries int64 values too', async () => {
    const x = BigInt64Array.from([1n, -2n, 2n ** 40n]);
    const { y } = await i64.run({ x: new Tensor('int64', x, [3]) });
    expect(y.data).toEqual(x);
  });

  it('refuses a tensor of another type with onnxruntime\'s own message', async () => {
    await expect(f32.run({ x: new Tensor('int64', BigInt64Array.from([1n]), [1]) })).rejects.toThrow(/type|tensor\(int64\)/i);
  });
});
