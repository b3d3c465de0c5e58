import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT_CONFIG, isEndpoint } from './endpoint.ts';

// Frames are 10 ms feature frames; trailing blanks are 40 ms encoder frames. Like sherpa-onnx,
// durations are float32 products (frames × 0.01f), so 30 blanks give 1.19999993 s, just under 1.2f.
describe('isEndpoint (sherpa-onnx rules)', () => {
  const c = DEFAULT_ENDPOINT_CONFIG;

  it('rule 2: 1.2 s of silence after speech', () => {
    expect(isEndpoint(c, 300, 29)).toBe(false);
    expect(isEndpoint(c, 300, 30)).toBe(false); // float32: 120 × 0.01f < 1.2f
    expect(isEndpoint(c, 300, 31)).toBe(true);
  });

  it('rule 1: 2.4 s of silence even without speech', () => {
    // All silence: utterance == trailing silence, so rule 2 (needs speech) never fires.
    expect(isEndpoint(c, 59 * 4, 59)).toBe(false);
    expect(isEndpoint(c, 60 * 4, 60)).toBe(false); // float32: 240 × 0.01f < 2.4f
    expect(isEndpoint(c, 61 * 4, 61)).toBe(true);
  });

  it('rule 3: 20 s utterance', () => {
    expect(isEndpoint(c, 1999, 0)).toBe(false);
    expect(isEndpoint(c, 2000, 0)).toBe(true);
  });

  it('is off when disabled, and honours custom rules', () => {
    expect(isEndpoint({ ...c, enabled: false }, 5000, 1000)).toBe(false);
    const quick = { ...c, rule2: { mustContainNonSilence: true, minTrailingSilence: 0.4, minUtteranceLength: 1 } };
    expect(isEndpoint(quick, 100, 11)).toBe(true);
    expect(isEndpoint(quick, 99, 11)).toBe(false);
    expect(isEndpoint(quick, 100, 9)).toBe(false);
  });
});
