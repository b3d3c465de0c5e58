import { describe, expect, it } from 'vitest';
import { initialCifState, integrateAndFire } from './continuous-integrate-and-fire.ts';

const DIM = 2;
/** Frame t is [t + 1, 10 · (t + 1)]. */
const enc = (frames: number) => Float32Array.from({ length: frames * DIM }, (_, i) => (Math.floor(i / DIM) + 1) * (i % DIM === 0 ? 1 : 10));

describe('integrateAndFire', () => {
  it('fires when the weights reach 1, splitting the firing frame', () => {
    const state = initialCifState(DIM);
    const { embeddings, count } = integrateAndFire(enc(3), 0, Float32Array.of(0.5, 0.75, 0.25), 0, 3, state);
    expect(count).toBe(1);
    // 0.5·f1 + 0.5·f2 = [1.5, 15]; the rest of frame 2 (0.25) and frame 3 (0.25) carry on.
    expect([...embeddings]).toEqual([1.5, 15]);
    expect(state.weight).toBe(0.5);
    expect([...state.hidden]).toEqual([0.25 * 2 + 0.25 * 3, 0.25 * 20 + 0.25 * 30]);
  });

  it('carries the partial sum into the next call', () => {
    const state = initialCifState(DIM);
    integrateAndFire(enc(1), 0, Float32Array.of(0.5), 0, 1, state);
    const { embeddings, count } = integrateAndFire(enc(2), DIM, Float32Array.of(0, 0.5), 1, 1, state);
    expect(count).toBe(1);
    expect([...embeddings]).toEqual([0.5 * 1 + 0.5 * 2, 0.5 * 10 + 0.5 * 20]);
    expect(state.weight).toBe(0);
  });

  it('fires at most once per frame; a weight above 1 fires on the next frame', () => {
    const state = initialCifState(DIM);
    const { count } = integrateAndFire(enc(2), 0, Float32Array.of(2.5, 0), 0, 2, state);
    expect(count).toBe(2);
    expect(state.weight).toBe(0.5);
  });
});
