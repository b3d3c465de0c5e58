import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURE_MODELS, REPO_ROOT } from '../../test-support/fixture-paths.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import { recognizerConfigFor, searchDescription } from './transport/in-process-transport.ts';
import { defaultServingConfig, effectiveThreads, validateServingConfig, withSerialMode, type ServingConfig } from './serving-config.ts';

describe('serving config', () => {
  it('has valid defaults bound to loopback', () => {
    const config = defaultServingConfig('models/x');
    expect(validateServingConfig(config)).toBe(config);
    expect(config.host).toBe('127.0.0.1');
    expect(config.pool.modelName).toBe('x');
    expect(config.maxWaiting).toBeGreaterThanOrEqual(1000);
  });

  it.each<[string, (c: ServingConfig) => void]>([
    ['port', (c) => (c.port = 70000)],
    ['capacity', (c) => (c.capacity = 0)],
    ['pool.workers', (c) => (c.pool.workers = 0)],
    ['pool.maxBatch', (c) => (c.pool.maxBatch = 1.5)],
    ['pool.providers', (c) => (c.pool.providers = [])],
    ['pool.encoderBinding', (c) => (c.pool.encoderBinding = 'wasm' as never)],
    ['pool.carryStates', (c) => (c.pool.carryStates = 'always' as never)],
    ['pool.decoding', (c) => (c.pool.decoding = 'beam' as never)],
    ['pool.beam', (c) => (c.pool.beam = 0)],
    ['maxFrameBytes', (c) => (c.maxFrameBytes = 10)],
    ['rootProtocol', (c) => (c.rootProtocol = 'vosk' as never)],
    ['calibrationHeadroom', (c) => (c.calibrationHeadroom = 2)],
  ])('rejects a bad %s with ASR_ERR_INVALID_CONFIG', (field, mutate) => {
    const config = defaultServingConfig('m');
    mutate(config);
    expect(() => validateServingConfig(config)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig, message: expect.stringContaining(field) }));
  });

  it('serial mode is one worker with batch size 1', () => {
    const serial = withSerialMode(defaultServingConfig('m'));
    expect(serial.pool).toMatchObject({ serial: true, workers: 1, maxBatch: 1 });
    expect(validateServingConfig(serial)).toBe(serial);
    const broken = { ...serial, pool: { ...serial.pool, maxBatch: 4 } };
    expect(() => validateServingConfig(broken)).toThrow(/serial/);
  });

  it("decodes with the model folder's token LM where it ships one, unless told otherwise", () => {
    const shipped = defaultServingConfig(join(REPO_ROOT, 'models', 'earshot-en-small')).pool;
    expect(recognizerConfigFor(shipped)).toMatchObject({ decodingMethod: 'modified_beam_search', maxActivePaths: 8 });
    expect(recognizerConfigFor({ ...shipped, decoding: 'greedy_search' }).decodingMethod).toBe('greedy_search');
    // sherpa-onnx-node cannot read it; a folder without lm.json has none.
    expect(recognizerConfigFor({ ...shipped, engine: 'sherpa-onnx' }).decodingMethod).toBe('greedy_search');
    expect(recognizerConfigFor(defaultServingConfig(FIXTURE_MODELS.nemoCtc).pool).decodingMethod).toBe('greedy_search');
    expect(searchDescription(shipped)).toBe('beam search (8) + token LM');
    expect(searchDescription({ ...shipped, decoding: 'greedy_search' })).toBe('greedy search');
    expect(searchDescription({ ...defaultServingConfig(FIXTURE_MODELS.nemoCtc).pool, decoding: 'modified_beam_search', beam: 4 })).toBe('beam search (4)');
  });

  it('passes the state carry to the recognizers (auto unless told: on for the CPU provider only)', () => {
    const pool = defaultServingConfig(FIXTURE_MODELS.nemoCtc).pool;
    expect(recognizerConfigFor(pool).carryStates).toBe('auto');
    expect(recognizerConfigFor({ ...pool, providers: ['webgpu'], carryStates: 'on' })).toMatchObject({ providers: ['webgpu'], carryStates: 'on' });
  });

  it('shares the cores between workers unless told otherwise', () => {
    const pool = { ...defaultServingConfig('m').pool, workers: 1, threadsPerWorker: 0 };
    expect(effectiveThreads(pool)).toBeGreaterThanOrEqual(1);
    expect(effectiveThreads({ ...pool, threadsPerWorker: 3 })).toBe(3);
  });
});
