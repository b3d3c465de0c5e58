import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../test-support/fixture-paths.ts';
import { engineSegments } from '../../test-support/fixtures/engine-decode.ts';
import { readWav } from '../../test-support/fixtures/read-wav.ts';
import { createOnlineRecognizer } from './online-recognizer.ts';

// Token parity with sherpa-onnx is online-recognizer.oracle.test.ts's; this covers the rest.
describe('ParaformerRecognizer', () => {
  it('decodes greedy only, as sherpa-onnx', async () => {
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.paraformer, decodingMethod: 'modified_beam_search' })).rejects.toMatchObject({
      code: 'ASR_ERR_INVALID_CONFIG',
      message: /greedy_search only/,
    });
  });

  it('numbers segments and their start times at 0.6 s steps, without timestamps', async () => {
    const engine = await createOnlineRecognizer({
      modelDir: FIXTURE_MODELS.paraformer,
      endpoint: { rule3: { mustContainNonSilence: false, minTrailingSilence: 0, minUtteranceLength: 2 } },
    });
    try {
      expect(engine.modelInfo).toMatchObject({ family: 'paraformer', featureDim: 80, chunkShift: 60, vocabSize: 100 });
      const segments = await engineSegments(engine, readWav(SPEECH.jfk), 3200);
      expect(segments.length).toBeGreaterThan(3);
      segments.forEach((r, i) => {
        expect(r.timestamps).toEqual([]);
        if (i > 0) expect(r.startTime).toBeGreaterThan(segments[i - 1].startTime);
        expect(Math.round(r.startTime * 100) % 60).toBe(0);
      });
      expect(segments.at(-1)?.segment).toBe(segments.slice(0, -1).filter((r) => r.tokens.length > 0).length);
    } finally {
      await engine.dispose();
    }
  });

  it('refuses a stream of another recognizer', async () => {
    const a = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.paraformer });
    const b = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.paraformer });
    try {
      expect(() => b.isReady(a.createStream())).toThrow(expect.objectContaining({ code: 'ASR_ERR_INTERNAL' }));
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});
