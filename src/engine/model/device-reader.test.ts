import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DeviceReader } from './device-reader.ts';

// The device path itself (a gpu-buffer tensor in, host values out) needs a GPU: it ran on an
// H200 in session 17 (bench/gpu, BENCHMARKS.md). Its Identity model is tested in identity-model.test.ts.
describe('DeviceReader', () => {
  it('hands a host tensor\'s own data back without a call', async () => {
    const reader = await DeviceReader.create('cpu');
    try {
      const data = Float32Array.from([1, 2, 3]);
      expect(await reader.read(new Tensor('float32', data, [3]))).toBe(data);
    } finally {
      await reader.release();
    }
  });

  it('reports a provider it cannot open with ASR_ERR_PROVIDER_UNAVAILABLE', async () => {
    await expect(DeviceReader.create('no-such-provider')).rejects.toMatchObject({
      code: 'ASR_ERR_PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/cannot open a read-back session on no-such-provider/),
    });
  });
});
