import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { createOnlineRecognizer } from '../online-recognizer.ts';
import { loadEncoderModel } from './model-detector.ts';
import { loadOrtValuesAddon } from './ort-values-addon.ts';
import { createSession } from './session-factory.ts';
import { createStreamingEncoder } from './streaming-encoder-factory.ts';
import type { EncoderModel } from './streaming-model.ts';

// Outputs and states equal to onnxruntime-node's are checked in state-carry.test.ts and
// ort-streaming-encoder.test.ts (both bindings), tokens equal to sherpa-onnx's in the oracle tests.
describe.each(['nemoCtc', 'zipformer2'] as const)('%s on the native binding', (family) => {
  let model: EncoderModel;
  beforeAll(async () => {
    model = await loadEncoderModel(FIXTURE_MODELS[family], { providers: [], numThreads: 1 });
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
    // As if the webgpu provider had opened it (onnxruntime-node is the only binding there).
    const created = await createSession(path, { providers: [], numThreads: 1, encoderBinding: 'onnxruntime-node' });
    const layout = { featuresInput: 'x', featureLayout: 'channels-first' as const, output: 'y', stateSpecs: [], constantInputs: [], chunkLength: 1, chunkShift: 1, featureDim: 1, supportsBatch: true };
    expect(() => createStreamingEncoder({ ...created, provider: 'webgpu' }, layout, path, { providers: ['webgpu'], numThreads: 1, encoderBinding: 'native' })).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_PROVIDER_UNAVAILABLE', message: expect.stringMatching(/cpu provider only/) }),
    );
    await created.release(); // refused: the caller still owns the session
  });

  it.each([
    ['declares', "h.make_tensor_value_info('mask', T.BOOL, ['N', 4])", 0],
    ['leaves to inference', "h.make_empty_tensor_value_info('mask')", 1],
  ])('a model whose file %s an output the addon cannot hand over (bool) stays on onnxruntime-node', async (_, mask, nativeOpens) => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-bool-output-'));
    const path = join(dir, 'bool-output.onnx');
    // y = x, mask = x > 0: one float32 and one bool output.
    const script = [
      'import sys, onnx',
      'from onnx import helper as h, TensorProto as T',
      "g = h.make_graph([h.make_node('Identity', ['x'], ['y']), h.make_node('Greater', ['x', 'zero'], ['mask'])], 'g',",
      "    [h.make_tensor_value_info('x', T.FLOAT, ['N', 4])],",
      `    [h.make_tensor_value_info('y', T.FLOAT, ['N', 4]), ${mask}],`,
      "    [h.make_tensor('zero', T.FLOAT, [], [0.0])])",
      "onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), sys.argv[1])",
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', script, path]);
    const layout = { featuresInput: 'x', featureLayout: 'frames-first' as const, output: 'y', stateSpecs: [], constantInputs: [], chunkLength: 1, chunkShift: 1, featureDim: 4, supportsBatch: true };
    const load = loadOrtValuesAddon();
    if (!load.ok) throw new Error(load.reason);
    // A declared bool output is seen in the file, so the addon never opens the model; an
    // undeclared one only once the addon has opened it (and released it again).
    const opens = vi.spyOn(load.addon, 'createSession');
    try {
      const a = await createSession(path, { providers: [], numThreads: 1 });
      expect(a.binding.kind).toBe('onnxruntime-node');
      expect(opens).toHaveBeenCalledTimes(nativeOpens);
      const auto = createStreamingEncoder(a, layout, path, { providers: [], numThreads: 1 });
      expect(auto.binding).toBe('onnxruntime-node');
      await auto.release();
      await expect(createSession(path, { providers: [], numThreads: 1, encoderBinding: 'native' })).rejects.toMatchObject({
        code: 'ASR_ERR_PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(/mask are not float32, int32 or int64/),
      });
      expect(opens).toHaveBeenCalledTimes(2 * nativeOpens);
    } finally {
      opens.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });


  it('the recognizer reports the binding it uses', async () => {
    for (const encoderBinding of ['native', 'onnxruntime-node'] as const) {
      const rec = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, encoderBinding });
      expect(rec.encoderBinding).toBe(encoderBinding);
      await rec.dispose();
    }
  });
});
