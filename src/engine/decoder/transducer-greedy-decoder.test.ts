import { describe, expect, it } from 'vitest';
import type { TransducerModel } from '../model/streaming-model.ts';
import { TransducerGreedyDecoder } from './transducer-greedy-decoder.ts';

const VOCAB = 5;
const DIM = 2;

/**
 * A scripted transducer: encoder frame t carries the token the joiner emits there (0 = blank),
 * whatever the decoder says. It counts the joiner rows it is asked to score. (The oracle tests
 * check the real thing against sherpa-onnx; this checks the search's bookkeeping and cost.)
 */
function scriptedModel(): TransducerModel & { rows: number; joinerCalls: number } {
  const model = {
    kind: 'transducer' as const,
    family: 'scripted',
    encoder: undefined as never,
    vocabSize: VOCAB,
    tokensPath: '',
    provider: 'cpu',
    contextSize: 2,
    rows: 0,
    joinerCalls: 0,
    dispose: async () => undefined,
    runDecoder: async (_ys: BigInt64Array, n: number) => new Float32Array(n * DIM),
    runJoiner: async (encoderOut: Float32Array, _decoderOut: Float32Array, n: number) => {
      model.rows += n;
      model.joinerCalls++;
      const logits = new Float32Array(n * VOCAB).fill(-10);
      for (let r = 0; r < n; r++) logits[r * VOCAB + encoderOut[r * DIM]] = 0;
      return logits;
    },
  };
  return model;
}

function encoderOutput(tokens: number[]): Float32Array {
  const out = new Float32Array(tokens.length * DIM);
  tokens.forEach((t, i) => (out[i * DIM] = t));
  return out;
}

describe('TransducerGreedyDecoder', () => {
  it('emits the scripted tokens at their frames, across chunks', async () => {
    const model = scriptedModel();
    const search = new TransducerGreedyDecoder(model, { blankPenalty: 0, unkId: -1 });
    const s = search.initial();
    const chunks = [
      [0, 3, 0, 0, 4, 4, 0, 1],
      [0, 0, 0, 0, 0, 0, 0, 0],
      [2, 0, 0, 0, 0, 0, 0, 3],
    ];
    for (const c of chunks) await search.decode(encoderOutput(c), c.length, DIM, [s]);
    const path = search.best(s);
    expect(path.tokens).toEqual([3, 4, 4, 1, 2, 3]);
    expect(path.frames).toEqual([1, 4, 5, 7, 16, 23]);
    expect(path.trailingBlanks).toBe(0);
  });

  it('scores O(frames) joiner rows when a stream emits on every frame', async () => {
    const model = scriptedModel();
    const search = new TransducerGreedyDecoder(model, { blankPenalty: 0, unkId: -1 });
    const s = search.initial();
    const frames = 32;
    await search.decode(encoderOutput(new Array<number>(frames).fill(2)), frames, DIM, [s]);
    expect(search.best(s).tokens).toHaveLength(frames);
    // Scoring every remaining frame after each emission would take 32 + 31 + … + 1 = 528 rows.
    expect(model.rows).toBeLessThanOrEqual(3 * frames);
  });

  it('scores a silent chunk in one joiner call, and decodes a batch like single streams', async () => {
    const model = scriptedModel();
    const search = new TransducerGreedyDecoder(model, { blankPenalty: 0, unkId: -1 });
    const quiet = search.initial();
    await search.decode(encoderOutput(new Array<number>(16).fill(0)), 16, DIM, [quiet]);
    expect(model.joinerCalls).toBe(1);
    expect(quiet.trailingBlanks).toBe(16);

    const a = [1, 0, 0, 2, 2, 2, 0, 0];
    const b = [0, 0, 0, 0, 0, 0, 0, 4];
    const [sa, sb] = [search.initial(), search.initial()];
    const both = new Float32Array([...encoderOutput(a), ...encoderOutput(b)]);
    await search.decode(both, a.length, DIM, [sa, sb]);
    expect(search.best(sa).tokens).toEqual([1, 2, 2, 2]);
    expect(search.best(sb).tokens).toEqual([4]);
    expect(search.best(sb).frames).toEqual([7]);
  });

  it('resets like sherpa-onnx: the last context after tokens, else the initial one, keeping decoder_out', async () => {
    const search = new TransducerGreedyDecoder(scriptedModel(), { blankPenalty: 0, unkId: -1 });
    const s = search.initial();
    await search.decode(encoderOutput([0, 3, 0, 4]), 4, DIM, [s]);
    const afterTokens = search.reset(s);
    expect(afterTokens.ys).toEqual([3, 4]);
    expect(search.segmentHasTokens(afterTokens)).toBe(false);
    await search.decode(encoderOutput([0, 0, 0, 0]), 4, DIM, [afterTokens]);
    const lastContextOut = afterTokens.decoderOut;
    expect(lastContextOut).not.toBeNull();
    // A segment without tokens: the initial context, but still the previous decoder_out.
    const afterEmpty = search.reset(afterTokens);
    expect(afterEmpty.ys).toEqual([-1, 0]);
    expect(afterEmpty.decoderOut).toBe(lastContextOut);
  });
});
