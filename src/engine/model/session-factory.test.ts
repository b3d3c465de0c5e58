import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { copyModel } from '../../../test-support/fixtures/model-variants.ts';
import { carriesStates, createSession } from './session-factory.ts';

const model = join(FIXTURE_MODELS.nemoCtc, 'model.onnx');

describe('createSession', () => {
  it('loads on cpu and exposes names and symbolic shapes', async () => {
    const { session, provider, failures } = await createSession(model, { providers: [], numThreads: 1 });
    try {
      expect(provider).toBe('cpu');
      expect(failures).toEqual([]);
      expect(session.inputNames).toEqual(['audio_signal', 'length', 'cache_last_channel', 'cache_last_time', 'cache_last_channel_len']);
      expect(session.inputMetadata[2]).toMatchObject({ isTensor: true, type: 'float32', shape: ['N', 2, 32, 64] });
    } finally {
      await session.release();
    }
  });

  it('tries each provider alone and falls back to cpu, reporting why', async () => {
    // DirectML exists only on Windows: on Linux it always fails, so the fallback is certain.
    const { session, provider, failures } = await createSession(model, { providers: ['dml', 'cpu'], numThreads: 2 });
    try {
      expect(provider).toBe('cpu');
      expect(failures.map((f) => f.provider)).toEqual(['dml']);
      expect(failures[0].message).not.toBe('');
    } finally {
      await session.release();
    }
  });

  it('reports the provider really in use when a GPU provider is asked for', async () => {
    const { session, provider, failures } = await createSession(model, { providers: ['webgpu'], numThreads: 1 });
    try {
      // webgpu works where a GPU adapter exists (ENVIRONMENT.md); elsewhere it must fall back, not throw.
      expect(['webgpu', 'cpu']).toContain(provider);
      expect(failures.map((f) => f.provider)).toEqual(provider === 'cpu' ? ['webgpu'] : []);
    } finally {
      await session.release();
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
      await expect(createSession(path, { providers: [], numThreads: 1 })).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
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
