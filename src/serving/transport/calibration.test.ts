import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { createOnlineRecognizer } from '../../engine/online-recognizer.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { calibrateRecognizer, syntheticAudio } from './calibration.ts';

describe('calibrateRecognizer (real engine, NeMo CTC fixture)', () => {
  let recognizer: OnlineRecognizer;
  const batches: number[] = [];
  beforeAll(async () => {
    recognizer = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, numThreads: 1 });
    const decode = recognizer.decodeStreams.bind(recognizer);
    recognizer.decodeStreams = (streams) => {
      batches.push(streams.length);
      return decode(streams);
    };
  });
  afterAll(() => recognizer.dispose());

  it('times only the second pass: the warm-up runs the same batch shape first, untimed', async () => {
    const r = await calibrateRecognizer(recognizer, 6, 2, 4);
    expect(r.audioSeconds).toBe(12);
    expect(r.wallMs).toBeGreaterThan(0);
    expect(r.warmupMs).toBeGreaterThan(0);
    // Both passes batch 4 + 2 streams per step; the warm-up's 0.5 s make a few steps of its own.
    expect(new Set(batches)).toEqual(new Set([4, 2]));
    const steps = batches.length / 2; // one call of 4 and one of 2 per step
    const framesPerStep = recognizer.modelInfo.chunkShift; // 10 ms feature frames
    expect(steps).toBeGreaterThanOrEqual(Math.floor(200 / framesPerStep) + Math.floor(50 / framesPerStep));
  });
});

describe('syntheticAudio', () => {
  it('is deterministic per seed and stays well inside [-1, 1]', () => {
    const a = syntheticAudio(0.1, 16000, 7);
    expect(a).toHaveLength(1600);
    expect(syntheticAudio(0.1, 16000, 7)).toEqual(a);
    expect(syntheticAudio(0.1, 16000, 8)).not.toEqual(a);
    expect(Math.max(...a.map(Math.abs))).toBeLessThan(0.2);
  });
});
