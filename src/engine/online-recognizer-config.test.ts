import { describe, expect, it } from 'vitest';
import { DEFAULT_RECOGNIZER_CONFIG, resolveRecognizerConfig } from './online-recognizer-config.ts';

describe('resolveRecognizerConfig', () => {
  it('fills sherpa-onnx defaults', () => {
    const c = resolveRecognizerConfig({ modelDir: 'models/x' });
    expect(c).toEqual({ ...DEFAULT_RECOGNIZER_CONFIG, modelDir: 'models/x' });
    expect(c.decodingMethod).toBe('greedy_search');
    expect(c.maxActivePaths).toBe(4);
    expect(c.endpoint.rule1.minTrailingSilence).toBe(2.4);
    expect(c.endpoint.rule2.minTrailingSilence).toBe(1.2);
    expect(c.endpoint.rule3.minUtteranceLength).toBe(20);
  });

  it('merges partial endpoint settings and ignores undefined fields', () => {
    const c = resolveRecognizerConfig({ modelDir: 'm', numThreads: undefined, endpoint: { enabled: false } });
    expect(c.numThreads).toBe(1);
    expect(c.endpoint.enabled).toBe(false);
    expect(c.endpoint.rule2.minTrailingSilence).toBe(1.2);
  });

  it.each([
    [{ modelDir: '' }, /modelDir/],
    [{ modelDir: 'm', numThreads: 0 }, /numThreads/],
    [{ modelDir: 'm', numThreads: 1.5 }, /numThreads/],
    [{ modelDir: 'm', decodingMethod: 'beam' }, /decodingMethod/],
    [{ modelDir: 'm', maxActivePaths: 0 }, /maxActivePaths/],
    [{ modelDir: 'm', providers: ['cpu', ''] }, /providers/],
    [{ modelDir: 'm', blankPenalty: -1 }, /blankPenalty/],
    [{ modelDir: 'm', carryStates: 'always' }, /carryStates/],
    [{ modelDir: 'm', encoderBinding: 'wasm' }, /encoderBinding/],
    [{ modelDir: 'm', endpoint: { rule1: { mustContainNonSilence: false, minTrailingSilence: -1, minUtteranceLength: 0 } } }, /rule1\.minTrailingSilence/],
    [{ modelDir: 'm', endpoint: { rule3: { mustContainNonSilence: 'no', minTrailingSilence: 0, minUtteranceLength: 0 } } }, /rule3\.mustContainNonSilence/],
  ])('rejects %j with InvalidConfig', (input, message) => {
    expect(() => resolveRecognizerConfig(input as never)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringMatching(message) }));
  });
});
