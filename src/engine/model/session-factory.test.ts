import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, REPO_ROOT } from '../../../test-support/fixture-paths.ts';
import { copyModel } from '../../../test-support/fixtures/model-variants.ts';
import { carriesStates, createSession } from './session-factory.ts';

const model = join(FIXTURE_MODELS.nemoCtc, 'model.onnx');

describe('createSession', () => {
  it('loads on cpu and exposes names and symbolic shapes, on either binding', async () => {
    for (const encoderBinding of ['auto', 'native', 'onnxruntime-node'] as const) {
      const created = await createSession(model, { providers: [], numThreads: 1, encoderBinding });
      try {
        expect(created.provider).toBe('cpu');
        expect(created.failures).toEqual([]);
        expect(created.binding.kind).toBe(encoderBinding === 'onnxruntime-node' ? 'onnxruntime-node' : 'native');
        expect(created.inputs.map((i) => i.name)).toEqual(['audio_signal', 'length', 'cache_last_channel', 'cache_last_time', 'cache_last_channel_len']);
        expect(created.inputs[2]).toEqual({ name: 'cache_last_channel', type: 'float32', shape: ['N', 2, 32, 64] });
      } finally {
        await created.release();
        await created.release(); // a second release does nothing
      }
    }
  });

  // The model is opened once, by the binding that runs it: what the addon declares must be what
  // onnxruntime-node declares, since the model loaders read it (batch axes, state shapes, types).
  it.each([
    ['nemo-ctc', join(FIXTURE_MODELS.nemoCtc, 'model.onnx')],
    ['shipped model', join(REPO_ROOT, 'models', 'earshot-en-small', 'model.onnx')],
    ['zipformer2 encoder', join(FIXTURE_MODELS.zipformer2, 'encoder.onnx')],
    ['zipformer2 decoder', join(FIXTURE_MODELS.zipformer2, 'decoder.onnx')],
    ['zipformer2 joiner', join(FIXTURE_MODELS.zipformer2, 'joiner.onnx')],
  ])('the addon declares the inputs and outputs onnxruntime-node does: %s', async (_name, path) => {
    const ort = await createSession(path, { providers: [], numThreads: 1, encoderBinding: 'onnxruntime-node' });
    const native = await createSession(path, { providers: [], numThreads: 1, encoderBinding: 'native' });
    try {
      expect(native.binding.kind).toBe('native');
      expect(native.inputs).toEqual(ort.inputs);
      expect(native.outputs).toEqual(ort.outputs);
      expect(native.inputs.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([ort.release(), native.release()]);
    }
  });

  it('tries each provider alone and falls back to cpu, reporting why', async () => {
    // DirectML exists only on Windows: on Linux it always fails, so the fallback is certain.
    const { release, provider, failures } = await createSession(model, { providers: ['dml', 'cpu'], numThreads: 2 });
    try {
      expect(provider).toBe('cpu');
      expect(failures.map((f) => f.provider)).toEqual(['dml']);
      expect(failures[0].message).not.toBe('');
    } finally {
      await release();
    }
  });

  it('reports the provider really in use when a GPU provider is asked for', async () => {
    const { release, provider, failures } = await createSession(model, { providers: ['webgpu'], numThreads: 1 });
    try {
      // webgpu works where a GPU adapter exists (ENVIRONMENT.md); elsewhere it must fall back, not throw.
      expect(['webgpu', 'cpu']).toContain(provider);
      expect(failures.map((f) => f.provider)).toEqual(provider === 'cpu' ? ['webgpu'] : []);
    } finally {
      await release();
    }
  });

  it('throws ModelNotFound for a missing file', async () => {
    await expect(createSession('/nonexistent/model.onnx', { providers: [], numThreads: 1 })).rejects.toMatchObject({
      code: 'ASR_ERR_MODEL_NOT_FOUND',
    });
  });

  it('throws ModelInvalid for a corrupt file', async () => {
    const copy = copyModel(FIXTURE_MODELS.nemoCtc);
    try {
      const path = join(copy.dir, 'model.onnx');
      writeFileSync(path, Buffer.alloc(4096, 7));
      for (const encoderBinding of ['auto', 'native', 'onnxruntime-node'] as const) {
        await expect(createSession(path, { providers: [], numThreads: 1, encoderBinding })).rejects.toMatchObject({
          code: 'ASR_ERR_MODEL_INVALID',
          message: expect.stringContaining(path),
        });
      }
    } finally {
      copy.remove();
    }
  });
});

describe('carriesStates', () => {
  const opts = (carryStates?: 'auto' | 'on' | 'off') => ({ providers: [], numThreads: 1, carryStates });
  it('carries on the CPU by default, and on a GPU provider only when asked', () => {
    expect(carriesStates(opts(), 'cpu')).toBe(true);
    expect(carriesStates(opts('auto'), 'webgpu')).toBe(false);
    expect(carriesStates(opts('on'), 'webgpu')).toBe(true);
    expect(carriesStates(opts('off'), 'cpu')).toBe(false);
  });
});
