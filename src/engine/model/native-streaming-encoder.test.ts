import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { createOnlineRecognizer } from '../online-recognizer.ts';
import { loadModel } from './model-detector.ts';
import { createSession } from './session-factory.ts';
import { createStreamingEncoder } from './streaming-encoder-factory.ts';
import type { StreamingModel } from './streaming-model.ts';

// Outputs and states equal to onnxruntime-node's are checked in state-carry.test.ts and
// ort-streaming-encoder.test.ts (both bindings), tokens equal to sherpa-onnx's in the oracle tests.
describe.each(['nemoCtc', 'zipformer2'] as const)('%s on the native binding', (family) => {
  let model: StreamingModel;
  beforeAll(async () => {
    model = await loadModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1 });
  });
  afterAll(() => model.dispose());

  it('is the default on the CPU provider', () => {
    expect(model.encoder.binding).toBe('native');
  });

  it('consumes the states a call advanced: running them again is a coded error, a copy runs', async () => {
    const enc = model.encoder;
    const x = new Float32Array(enc.chunkLength * enc.featureDim).fill(-3);
    const start = enc.initStates();
    const first = await enc.run(x, [start]);
    await expect(enc.run(x, [start])).rejects.toMatchObject({ code: 'ASR_ERR_INTERNAL', message: expect.stringMatching(/already advanced/) });
    const copy = [...(await enc.readStates(first.states[0]))];
    const a = await enc.run(x, [first.states[0]]);
    const b = await enc.run(x, [copy]);
    expect(Array.from(b.output)).toEqual(Array.from(a.output));
  });

  it('rejects states of the wrong size with a coded error and no crash', async () => {
    const enc = model.encoder;
    const bad = enc.initStates().map((s) => s.subarray(0, 1));
    const x = new Float32Array(enc.chunkLength * enc.featureDim);
    await expect(enc.run(x, [bad])).rejects.toMatchObject({ code: 'ASR_ERR_INTERNAL' });
  });
});

describe('encoder binding choice', () => {
  it("'native' on a GPU provider is refused with ProviderUnavailable", async () => {
    const path = `${FIXTURE_MODELS.nemoCtc}/model.onnx`;
    const { session } = await createSession(path, { providers: [], numThreads: 1 });
    const layout = { featuresInput: 'x', featureLayout: 'channels-first' as const, output: 'y', stateSpecs: [], constantInputs: [], chunkLength: 1, chunkShift: 1, featureDim: 1, supportsBatch: true };
    await expect(createStreamingEncoder(session, 'webgpu', layout, path, { providers: ['webgpu'], numThreads: 1, encoderBinding: 'native' })).rejects.toMatchObject({
      code: 'ASR_ERR_PROVIDER_UNAVAILABLE',
    });
    await session.release(); // refused: the caller still owns the session
  });

  it('the recognizer reports the binding it uses', async () => {
    for (const encoderBinding of ['native', 'onnxruntime-node'] as const) {
      const rec = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, encoderBinding });
      expect(rec.encoderBinding).toBe(encoderBinding);
      await rec.dispose();
    }
  });
});
