import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../test-support/fixture-paths.ts';
import { engineDecode, engineSegments } from '../../test-support/fixtures/engine-decode.ts';
import { readWav } from '../../test-support/fixtures/read-wav.ts';
import {
  type Clip,
  type FixtureFamily,
  type SherpaResult,
  sherpaDecode,
  sherpaRecognizer,
  sherpaSegments,
} from '../../test-support/fixtures/sherpa-reference.ts';
import { createOnlineRecognizer } from './online-recognizer.ts';
import type { DecodingMethod, OnlineRecognizer, RecognitionResult } from './recognizer-api.ts';

// Oracle: sherpa-onnx-node runs the very same model files on the very same samples; token
// sequences must be EQUAL (random weights make the tokens noisy, which makes this strict).

const jfk = readWav(SPEECH.jfk);
const fsdd = ['0_george_0.wav', '5_jackson_3.wav', '9_theo_10.wav'].map((f) => readWav(SPEECH.fsdd(f)));
const slice = (clip: Clip, fromS: number, toS: number): Clip => ({
  sampleRate: clip.sampleRate,
  samples: clip.samples.slice(Math.round(fromS * clip.sampleRate), Math.round(toS * clip.sampleRate)),
});

function expectSameAsSherpa(ours: RecognitionResult, theirs: SherpaResult, family: FixtureFamily): void {
  expect(ours.tokens).toEqual(theirs.tokens);
  expect(ours.text).toBe(theirs.text.trim());
  // sherpa-onnx's Paraformer leaves segment and start_time at 0 (and gives no timestamps); the
  // endpointing test below checks our segment numbers against its reset rule instead.
  if (family !== 'paraformer') {
    expect(ours.segment).toBe(theirs.segment);
    expect(ours.startTime).toBeCloseTo(theirs.start_time, 4);
  }
  // sherpa-onnx's timestamps count from the segment start, ours from the stream start.
  expect(ours.timestamps.length).toBe(theirs.timestamps.length);
  ours.timestamps.forEach((t, i) => expect(t - ours.startTime).toBeCloseTo(theirs.timestamps[i], 4));
}

const CASES: { family: FixtureFamily; method: DecodingMethod }[] = [
  { family: 'nemoCtc', method: 'greedy_search' },
  { family: 'zipformer2Ctc', method: 'greedy_search' },
  { family: 'zipformer2', method: 'greedy_search' },
  { family: 'zipformer2', method: 'modified_beam_search' },
  { family: 'zipformer', method: 'greedy_search' },
  { family: 'zipformer', method: 'modified_beam_search' },
  { family: 'gruTransducer', method: 'greedy_search' },
  { family: 'gruTransducer', method: 'modified_beam_search' },
];

// carryStates 'on': states stay in the last call's batched outputs while the batch repeats
// (state-carry.ts); the batches here change as streams end, so both of its paths run. Each on
// both encoder bindings: onnxruntime-node's JS API, and the ort-values addon (the CPU default).
const CARRY_CASES = [
  ...CASES.flatMap((c) =>
    (['off', 'on'] as const).flatMap((carryStates) =>
      (['native', 'onnxruntime-node'] as const).map((encoderBinding) => ({ ...c, carryStates, encoderBinding })),
    ),
  ),
  // Paraformer: greedy only (sherpa-onnx has no other search for it), and no state carry: its
  // encoder is stateless (the feature overlap, CIF sums and decoder caches are per-stream values
  // the recognizer keeps), so 'off' is all there is. Both bindings run its two sessions.
  ...(['native', 'onnxruntime-node'] as const).map((encoderBinding) => ({
    family: 'paraformer' as const,
    method: 'greedy_search' as const,
    carryStates: 'off' as const,
    encoderBinding,
  })),
];

describe.each(CARRY_CASES)('$family $method (state carry $carryStates, $encoderBinding) equals sherpa-onnx', ({ family, method, carryStates, encoderBinding }) => {
  const dir = FIXTURE_MODELS[family];
  const sherpa = sherpaRecognizer(family, dir, { decodingMethod: method, maxActivePaths: 4 });
  let engine: OnlineRecognizer;

  beforeAll(async () => {
    engine = await createOnlineRecognizer({ modelDir: dir, decodingMethod: method, maxActivePaths: 4, carryStates, encoderBinding });
    expect(engine.encoderBinding).toBe(encoderBinding);
  });
  afterAll(() => engine.dispose());

  it('decodes 16 kHz speech whole, one stream', async () => {
    const [theirs] = sherpaDecode(sherpa, [jfk]);
    const [ours] = await engineDecode(engine, [jfk], { chunk: Infinity, maxBatch: 1 });
    expect(theirs.tokens.length).toBeGreaterThan(10);
    expectSameAsSherpa(ours, theirs, family);
  });

  it('decodes 8 kHz speech through the resampler', async () => {
    const theirs = sherpaDecode(sherpa, fsdd);
    for (const [i, clip] of fsdd.entries()) {
      const [ours] = await engineDecode(engine, [clip], { chunk: Infinity, maxBatch: 1 });
      expectSameAsSherpa(ours, theirs[i], family);
    }
    expect(theirs.some((r) => r.tokens.length > 0)).toBe(true);
  });

  it.each([160, 3200])('gives the same tokens for %i-sample chunks', async (chunk) => {
    const [theirs] = sherpaDecode(sherpa, [jfk]);
    const [ours] = await engineDecode(engine, [jfk], { chunk, maxBatch: 1 });
    expectSameAsSherpa(ours, theirs, family);
  });

  it('gives the same tokens when fed one sample at a time', async () => {
    const clips = [slice(jfk, 0, 1.5), fsdd[1]];
    const theirs = sherpaDecode(sherpa, clips);
    const ours = await engineDecode(engine, clips, { chunk: 1, maxBatch: 2 });
    ours.forEach((r, i) => expectSameAsSherpa(r, theirs[i], family));
    expect(theirs[0].tokens.length).toBeGreaterThan(0);
  });

  it('decodes 5 streams of different lengths and rates in one batch like one at a time', async () => {
    const clips = [jfk, slice(jfk, 0, 3.1), slice(jfk, 2.05, 9.7), fsdd[0], fsdd[2]];
    const theirs = clips.map((c) => sherpaDecode(sherpa, [c])[0]);
    const batched = await engineDecode(engine, clips, { chunk: 3200, maxBatch: 5 });
    const single = await engineDecode(engine, clips, { chunk: 3200, maxBatch: 1 });
    batched.forEach((r, i) => {
      expectSameAsSherpa(r, theirs[i], family);
      expect(r.tokens).toEqual(single[i].tokens);
    });
    // sherpa-onnx's own batched path agrees too.
    sherpaDecode(sherpa, clips).forEach((r, i) => expect(r.tokens).toEqual(theirs[i].tokens));
  });
});

describe.each(CARRY_CASES)('$family $method (state carry $carryStates, $encoderBinding) endpointing and reset equal sherpa-onnx', ({ family, method, carryStates, encoderBinding }) => {
  const dir = FIXTURE_MODELS[family];
  // Short rules so that the 11 s clip splits into several segments.
  const rules = { rule1: 0.8, rule2: 0.4, rule3: 3 };
  let engine: OnlineRecognizer;

  beforeAll(async () => {
    engine = await createOnlineRecognizer({
      modelDir: dir,
      decodingMethod: method,
      carryStates,
      encoderBinding,
      endpoint: {
        enabled: true,
        rule1: { mustContainNonSilence: false, minTrailingSilence: rules.rule1, minUtteranceLength: 0 },
        rule2: { mustContainNonSilence: true, minTrailingSilence: rules.rule2, minUtteranceLength: 0 },
        rule3: { mustContainNonSilence: false, minTrailingSilence: 0, minUtteranceLength: rules.rule3 },
      },
    });
  });
  afterAll(() => engine.dispose());

  it('splits speech + silence into the same segments', async () => {
    const silence = new Float32Array(3 * 16000);
    const clip: Clip = { sampleRate: 16000, samples: Float32Array.from([...jfk.samples, ...silence, ...jfk.samples.slice(0, 4 * 16000)]) };
    const sherpa = sherpaRecognizer(family, dir, { decodingMethod: method, endpoint: rules });
    const theirs = sherpaSegments(sherpa, clip, 1600);
    const ours = await engineSegments(engine, clip, 1600);
    expect(theirs.length).toBeGreaterThan(3);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((r, i) => expectSameAsSherpa(r, theirs[i], family));
    if (family === 'paraformer') {
      // sherpa-onnx's rule, which its Paraformer results do not report: a reset after tokens starts the next segment.
      ours.forEach((r, i) => expect(r.segment).toBe(theirs.slice(0, i).filter((t) => t.tokens.length > 0).length));
    }
  });
});
