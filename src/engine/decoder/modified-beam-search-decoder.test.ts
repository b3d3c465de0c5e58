import { describe, expect, it } from 'vitest';
import { END_AFTER_B_ARPA } from '../../../test-support/fixtures/end-after-b-arpa.ts';
import { parseArpa } from '../lm/arpa-reader.ts';
import type { TransducerModel } from '../model/streaming-model.ts';
import { ModifiedBeamSearchDecoder } from './modified-beam-search-decoder.ts';

// Tokens: blank=0, a=1, b=2. The joiner dim equals the vocabulary here.
const VOCAB = 3;
const TOKENS: Record<string, number> = { a: 1, b: 2 };

/**
 * A scripted transducer whose encoder frame holds the joiner's probabilities for that frame,
 * whatever the decoder says (the oracle tests check the real search against sherpa-onnx; this
 * checks what the fused LM changes).
 */
function scriptedModel(): TransducerModel {
  return {
    kind: 'transducer',
    family: 'scripted',
    encoder: undefined as never,
    vocabSize: VOCAB,
    tokensPath: '',
    provider: 'cpu',
    contextSize: 2,
    dispose: async () => undefined,
    runDecoder: async (_ys: BigInt64Array, n: number) => new Float32Array(n * VOCAB),
    runJoiner: async (encoderOut: Float32Array) => encoderOut.map(Math.log),
  };
}

/** A unigram LM under which b is 100 times likelier than a. */
const PREFERS_B = ['\\data\\', 'ngram 1=4', '', '\\1-grams:', '-1\t</s>', '-99\t<s>', '-3\ta', '-1\tb', '', '\\end\\', ''].join('\n');

async function decode(search: ModifiedBeamSearchDecoder, frames: number[][]) {
  const s = search.initial();
  await search.decode(Float32Array.from(frames.flat()), frames.length, VOCAB, [s]);
  return s;
}

describe('ModifiedBeamSearchDecoder with a fused token n-gram LM', () => {
  const options = { blankPenalty: 0, unkId: -1 };
  // Frame 0: a slightly likelier than b; frame 1: blank.
  const frames = [
    [0.01, 0.55, 0.44],
    [0.98, 0.01, 0.01],
  ];

  it('ranks extensions with the LM bonus; scale 0 and no bonus change nothing', async () => {
    const lm = parseArpa(PREFERS_B, (w) => TOKENS[w], VOCAB);
    const plain = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options);
    const neutral = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options, { lm, scale: 0, tokenBonus: 0 });
    const fused = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options, { lm, scale: 0.5, tokenBonus: 0 });
    expect(plain.best(await decode(plain, frames)).tokens).toEqual([1]);
    expect(neutral.best(await decode(neutral, frames))).toEqual(plain.best(await decode(plain, frames)));
    expect(fused.best(await decode(fused, frames))).toEqual({ tokens: [2], frames: [0], trailingBlanks: 1 });
  });

  it('a token bonus makes a path that emits beat one that stays blank', async () => {
    const lm = parseArpa(PREFERS_B, (w) => TOKENS[w], VOCAB);
    const quiet = [[0.6, 0.1, 0.3]];
    const plain = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options);
    const eager = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options, { lm, scale: 0.1, tokenBonus: 2 });
    expect(plain.best(await decode(plain, quiet)).tokens).toEqual([]);
    expect(eager.best(await decode(eager, quiet)).tokens).toEqual([2]);
  });

  it('counts the end of sentence only once the segment is final, and restarts the LM on reset', async () => {
    const lm = parseArpa(END_AFTER_B_ARPA, (w) => TOKENS[w], VOCAB);
    const search = new ModifiedBeamSearchDecoder(scriptedModel(), 4, options, { lm, scale: 0.5, tokenBonus: 0 });
    const s = await decode(search, frames);
    expect(search.best(s, false).tokens).toEqual([1]);
    expect(search.best(s, true).tokens).toEqual([2]);
    expect(search.segmentHasTokens(s)).toBe(true);
    const next = search.reset(s);
    expect(next.hyps.list().map((h) => h.lmState)).toEqual([lm.startState]);
    expect(search.segmentHasTokens(next)).toBe(false);
  });
});
