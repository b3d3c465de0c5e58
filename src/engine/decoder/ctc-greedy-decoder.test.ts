import { describe, expect, it } from 'vitest';
import { CtcGreedyDecoder } from './ctc-greedy-decoder.ts';

const BLANK = 3;
const V = 4;

/** (1, frames, V) log-probs whose argmax per frame is `ids[t]`. */
function frames(ids: number[]): Float32Array {
  const out = new Float32Array(ids.length * V).fill(-5);
  ids.forEach((id, t) => (out[t * V + id] = -0.1));
  return out;
}

async function decodeChunks(chunks: number[][]) {
  const d = new CtcGreedyDecoder(BLANK);
  const s = d.initial();
  for (const c of chunks) await d.decode(frames(c), c.length, V, [s]);
  return d.best(s);
}

describe('CtcGreedyDecoder', () => {
  it('drops blanks and merges repeats, with frame indices', async () => {
    const r = await decodeChunks([[0, 0, BLANK, 0, 1, 1, BLANK, BLANK]]);
    expect(r.tokens).toEqual([0, 0, 1]);
    expect(r.frames).toEqual([0, 3, 4]);
    expect(r.trailingBlanks).toBe(2);
  });

  it('merges a repeat across a chunk boundary, but not across blanks', async () => {
    expect((await decodeChunks([[1, 2], [2, 0]])).tokens).toEqual([1, 2, 0]);
    expect((await decodeChunks([[1, 2, BLANK], [2, 0]])).tokens).toEqual([1, 2, 2, 0]);
    const r = await decodeChunks([[1, 2, BLANK], [2, 0]]);
    expect(r.frames).toEqual([0, 1, 3, 4]);
  });

  it('is the same whatever the chunking', async () => {
    const ids = [BLANK, 1, 1, BLANK, 1, 2, 2, 0, BLANK, BLANK, 0, 3, 1];
    const whole = await decodeChunks([ids]);
    for (const size of [1, 2, 3, 5]) {
      const chunks: number[][] = [];
      for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
      expect(await decodeChunks(chunks)).toEqual(whole);
    }
  });

  it('decodes a batch row by row', async () => {
    const d = new CtcGreedyDecoder(BLANK);
    const a = d.initial();
    const b = d.initial();
    const batch = new Float32Array(2 * 3 * V);
    batch.set(frames([0, BLANK, 1]), 0);
    batch.set(frames([2, 2, BLANK]), 3 * V);
    await d.decode(batch, 3, V, [a, b]);
    expect(d.best(a).tokens).toEqual([0, 1]);
    expect(d.best(b)).toEqual({ tokens: [2], frames: [0], trailingBlanks: 1 });
    expect(d.segmentHasTokens(b)).toBe(true);
    expect(d.segmentHasTokens(d.reset())).toBe(false);
  });
});
