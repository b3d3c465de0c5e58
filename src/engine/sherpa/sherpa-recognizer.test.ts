import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { engineDecode, engineSegments } from '../../../test-support/fixtures/engine-decode.ts';
import { readWav } from '../../../test-support/fixtures/read-wav.ts';
import { createOnlineRecognizer as createEngineRecognizer } from '../online-recognizer.ts';
import type { OnlineRecognizer } from '../recognizer-api.ts';
import { createOnlineRecognizer } from './sherpa-recognizer.ts';

// The adapter must be a drop-in for the engine: through the SAME interface, on the same model
// files and samples, both give equal tokens, text, timestamps and segments.

const jfk = readWav(SPEECH.jfk);
const digits = ['0_george_0.wav', '9_theo_10.wav'].map((f) => readWav(SPEECH.fsdd(f)));

describe.each([
  { family: 'nemo-ctc', dir: FIXTURE_MODELS.nemoCtc, chunkShift: 32 },
  { family: 'zipformer2-transducer', dir: FIXTURE_MODELS.zipformer2, chunkShift: undefined },
  { family: 'zipformer-transducer', dir: FIXTURE_MODELS.zipformer, chunkShift: 32 },
  { family: 'zipformer2-ctc', dir: FIXTURE_MODELS.zipformer2Ctc, chunkShift: 32 },
  { family: 'lstm-transducer', dir: FIXTURE_MODELS.gruTransducer, chunkShift: 32 },
  // sherpa-onnx's Paraformer reports no segment or start time: the adapter counts them (equal here).
  { family: 'paraformer', dir: FIXTURE_MODELS.paraformer, chunkShift: 60 },
])('sherpa-onnx recognizer on $family', ({ family, dir, chunkShift }) => {
  let sherpa: OnlineRecognizer;
  let engine: OnlineRecognizer;
  beforeAll(async () => {
    sherpa = await createOnlineRecognizer({ modelDir: dir, numThreads: 1 });
    engine = await createEngineRecognizer({ modelDir: dir, numThreads: 1 });
  });
  afterAll(async () => {
    await sherpa?.dispose();
    await engine?.dispose();
  });

  it('describes the model like the engine does', () => {
    expect(sherpa.modelInfo).toEqual(engine.modelInfo);
    expect(sherpa.modelInfo.family).toBe(family);
    if (chunkShift !== undefined) expect(sherpa.modelInfo.chunkShift).toBe(chunkShift);
    expect(sherpa.provider).toBe('cpu');
  });

  it('decodes batches of streams (one at 8 kHz) exactly like the engine', async () => {
    const clips = [jfk, ...digits];
    const options = { chunk: 1600, maxBatch: 3 };
    const theirs = await engineDecode(sherpa, clips, options);
    const ours = await engineDecode(engine, clips, options);
    expect(theirs.some((r) => r.tokens.length > 0)).toBe(true);
    expect(theirs).toEqual(ours);
  });

  it('passes the endpoint rules through: same endpoints and segments', async () => {
    // Short rules (rule3: 3 s) so that the clip splits into several segments.
    const endpoint = {
      enabled: true,
      rule1: { mustContainNonSilence: false, minTrailingSilence: 0.8, minUtteranceLength: 0 },
      rule2: { mustContainNonSilence: true, minTrailingSilence: 0.4, minUtteranceLength: 0 },
      rule3: { mustContainNonSilence: false, minTrailingSilence: 0, minUtteranceLength: 3 },
    };
    const sherpaSeg = await createOnlineRecognizer({ modelDir: dir, endpoint });
    const engineSeg = await createEngineRecognizer({ modelDir: dir, endpoint });
    const quiet = { sampleRate: 16000, samples: new Float32Array(16000 * 3) };
    const clip = { sampleRate: 16000, samples: Float32Array.from([...jfk.samples.subarray(0, 48000), ...quiet.samples, ...jfk.samples.subarray(48000)]) };
    const theirs = await engineSegments(sherpaSeg, clip, 3200);
    const ours = await engineSegments(engineSeg, clip, 3200);
    await engineSeg.dispose();
    expect(theirs.length).toBeGreaterThan(3);
    expect(theirs).toEqual(ours);
  });
});

describe('sherpa-onnx recognizer errors', () => {
  it('rejects a missing model folder with ASR_ERR_MODEL_NOT_FOUND', async () => {
    await expect(createOnlineRecognizer({ modelDir: '/nonexistent/model' })).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
  });

  it('rejects a bad config with ASR_ERR_INVALID_CONFIG', async () => {
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, numThreads: 0 })).rejects.toMatchObject({ code: 'ASR_ERR_INVALID_CONFIG' });
  });

  it('refuses beam search on a Paraformer (sherpa-onnx would exit the process)', async () => {
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.paraformer, decodingMethod: 'modified_beam_search' })).rejects.toMatchObject({
      code: 'ASR_ERR_INVALID_CONFIG',
      message: /greedy_search only/,
    });
  });

  it('refuses audio after input end and streams of another recognizer', async () => {
    const a = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc });
    const b = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc });
    const s = a.createStream();
    s.inputFinished();
    expect(s.finished).toBe(true);
    expect(() => s.acceptWaveform(16000, new Float32Array(10))).toThrow(expect.objectContaining({ code: 'ASR_ERR_STREAM_FINISHED' }));
    expect(() => b.isReady(s)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INTERNAL' }));
  });
});
