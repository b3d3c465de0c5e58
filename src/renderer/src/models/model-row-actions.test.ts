import { describe, expect, it } from 'vitest';
import type { ModelDownloadProgress, ModelInfo } from '../../../shared/ipc-contract.ts';
import { describeEngineStatus, providerLabel } from './engine-status-text.ts';
import { modelRowActions } from './model-row-actions.ts';

const model = (m: Partial<ModelInfo>): ModelInfo => ({
  name: 'zipformer-en',
  description: '',
  language: 'en',
  sizeBytes: 1,
  builtin: false,
  installed: false,
  active: false,
  ...m,
});
const progress = (state: ModelDownloadProgress['state']): ModelDownloadProgress => ({ name: 'zipformer-en', state, receivedBytes: 1, totalBytes: 2 });

describe('model row actions', () => {
  it('a downloaded, inactive model can be selected and deleted', () => {
    expect(modelRowActions(model({ installed: true }), undefined, true)).toEqual({ select: true, download: false, delete: true });
  });

  it('the shipped model is never deletable; the active one says why it is not', () => {
    expect(modelRowActions(model({ installed: true, builtin: true, active: true }), undefined, true)).toEqual({ select: false, download: false, delete: false });
    expect(modelRowActions(model({ installed: true, builtin: true }), undefined, true).delete).toBe(false);
    const active = modelRowActions(model({ installed: true, active: true }), undefined, true);
    expect(active.delete).toBe(false);
    expect(active.deleteBlocked).toMatch(/choose another model/);
  });

  it('while downloading: no download, no delete; a canceled or failed download can be thrown away', () => {
    expect(modelRowActions(model({}), progress('downloading'), true)).toEqual({ select: false, download: false, delete: false });
    expect(modelRowActions(model({}), progress('verifying'), true).delete).toBe(false);
    expect(modelRowActions(model({}), progress('canceled'), true)).toEqual({ select: false, download: true, delete: true });
    expect(modelRowActions(model({}), progress('failed'), true).delete).toBe(true);
    expect(modelRowActions(model({}), undefined, true)).toEqual({ select: false, download: true, delete: false });
  });

  it('the web page manages nothing', () => {
    expect(modelRowActions(model({ installed: true }), undefined, false)).toEqual({ select: false, download: false, delete: false });
  });
});

describe('engine status text', () => {
  it('names the provider really in use', () => {
    expect(describeEngineStatus({ state: 'running', model: 'm', requestedProvider: 'gpu', provider: 'webgpu', gpuFallback: false })).toEqual({
      text: 'Running m on GPU (WebGPU).',
      notice: false,
    });
    expect(describeEngineStatus({ state: 'running', model: 'm', requestedProvider: 'cpu', provider: 'cpu', gpuFallback: false }).text).toBe('Running m on CPU.');
    expect(providerLabel('tensorrt')).toBe('tensorrt');
  });

  it('a GPU request that ended on the CPU is a notice', () => {
    const d = describeEngineStatus({ state: 'running', model: 'm', requestedProvider: 'gpu', provider: 'cpu', gpuFallback: true });
    expect(d.notice).toBe(true);
    expect(d.text).toMatch(/on the CPU: no GPU provider/);
  });

  it('failures carry their code; remote and starting are plain', () => {
    const failed = describeEngineStatus({ state: 'failed', requestedProvider: 'cpu', gpuFallback: false, error: { code: 'ASR_ERR_MODEL_INVALID', message: 'cannot load' } });
    expect(failed).toEqual({ text: 'The local engine did not start: cannot load (ASR_ERR_MODEL_INVALID)', notice: true });
    expect(describeEngineStatus({ state: 'remote', requestedProvider: 'gpu', gpuFallback: false }).notice).toBe(false);
    expect(describeEngineStatus({ state: 'starting', model: 'm', requestedProvider: 'gpu', gpuFallback: false }).text).toBe('Starting m (GPU requested)…');
  });
});
