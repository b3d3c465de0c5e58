import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { END_AFTER_B_ARPA } from '../../../test-support/fixtures/end-after-b-arpa.ts';
import { trainingPython } from '../../../test-support/training-python.ts';
import { parseArpa, readArpaFile } from '../lm/arpa-reader.ts';
import { CtcGreedyDecoder } from './ctc-greedy-decoder.ts';
import { CtcPrefixBeamSearchDecoder, type CtcPrefixBeamState } from './ctc-prefix-beam-search-decoder.ts';
import { HotwordGraph } from './hotword-graph.ts';
import { SymbolTable } from './symbol-table.ts';

/** Rows of probabilities → a flat log-probability matrix (frames × vocab). */
function logRows(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat().map(Math.log));
}

/** A random matrix whose frames are peaked like a trained CTC model's (blank mostly). */
function randomRows(frames: number, vocab: number, seed: number): Float32Array {
  let x = seed;
  const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Float32Array(frames * vocab);
  for (let t = 0; t < frames; t++) {
    const logits = Array.from({ length: vocab }, () => rand() * 6);
    logits[vocab - 1] += 2; // blank is the last id here
    const max = Math.max(...logits);
    const sum = logits.reduce((s, l) => s + Math.exp(l - max), 0);
    logits.forEach((l, c) => (out[t * vocab + c] = l - max - Math.log(sum)));
  }
  return out;
}

async function decodeInChunks(d: CtcPrefixBeamSearchDecoder, m: Float32Array, vocab: number, chunk: number): Promise<CtcPrefixBeamState> {
  const s = d.initial();
  const frames = m.length / vocab;
  for (let t = 0; t < frames; t += chunk) {
    const n = Math.min(chunk, frames - t);
    await d.decode(m.subarray(t * vocab, (t + n) * vocab), n, vocab, [s]);
  }
  return s;
}

describe('CtcPrefixBeamSearchDecoder', () => {
  it('sums the alignments of a token sequence where greedy search takes the best single frame', async () => {
    // vocab: a=0, blank=1. Each frame says blank (0.6); "a" has 0.16 + 0.24 + 0.24 = 0.64 of the mass.
    const m = logRows([
      [0.4, 0.6],
      [0.4, 0.6],
    ]);
    const greedy = new CtcGreedyDecoder(1);
    const g = greedy.initial();
    await greedy.decode(m, 2, 2, [g]);
    expect(greedy.best(g).tokens).toEqual([]);
    const beam = new CtcPrefixBeamSearchDecoder(1, 4, null);
    const s = beam.initial();
    await beam.decode(m, 2, 2, [s]);
    expect(beam.best(s).tokens).toEqual([0]);
  });

  it('keeps a repeated token only across a blank, and reports first-emission frames and trailing blanks', async () => {
    // a a blank a blank blank (certain frames): "a a"
    const m = logRows([
      [0.98, 0.01, 0.01],
      [0.98, 0.01, 0.01],
      [0.01, 0.01, 0.98],
      [0.98, 0.01, 0.01],
      [0.01, 0.01, 0.98],
      [0.01, 0.01, 0.98],
    ]);
    const d = new CtcPrefixBeamSearchDecoder(2, 4, null);
    const s = await decodeInChunks(d, m, 3, 4);
    expect(d.best(s)).toEqual({ tokens: [0, 0], frames: [0, 3], trailingBlanks: 2 });
    expect(d.segmentHasTokens(s)).toBe(true);
    expect(d.segmentHasTokens(d.reset(s))).toBe(false);
  });

  it('gives the same path whether a stream comes in one call, in chunks, or batched with others', async () => {
    const vocab = 6;
    const a = randomRows(50, vocab, 1);
    const b = randomRows(50, vocab, 2);
    const d = new CtcPrefixBeamSearchDecoder(vocab - 1, 6, null);
    const whole = await decodeInChunks(d, a, vocab, 50);
    const chunked = await decodeInChunks(d, a, vocab, 8);
    expect(d.best(chunked)).toEqual(d.best(whole));
    expect(d.best(whole).tokens.length).toBeGreaterThan(3);

    const alone = await decodeInChunks(d, b, vocab, 50);
    const pair = [d.initial(), d.initial()];
    const both = new Float32Array(2 * a.length);
    both.set(a, 0);
    both.set(b, a.length);
    await d.decode(both, 50, vocab, pair);
    expect(d.best(pair[0])).toEqual(d.best(whole));
    expect(d.best(pair[1])).toEqual(d.best(alone));
  });

  describe("with a token n-gram LM, against training/lm_probe.py's search (where the weights were measured)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-beam-lm-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the same token sequences on 30 random utterances', async () => {
      const arpa = join(dir, 'lm.arpa');
      const V = 5; // tokens 0..4, blank 5
      const r = trainingPython(`
import random
import numpy as np
from lm_probe import PieceNgram, prefix_beam_search
rng = random.Random(11)
V = ${V}
sents = [[rng.choice([0, 1, 1, 2, 3, 3, 3, 4]) for _ in range(rng.randrange(2, 10))] for _ in range(300)]
lm = PieceNgram(sents, 3, V)
lm.write_arpa(${JSON.stringify(arpa)}, [f"p{i}" for i in range(V)])
nprng = np.random.default_rng(7)
out = []
for u in range(30):
    logits = nprng.uniform(0, 6, size=(40, V + 1))
    logits[:, V] += 2
    lp = (logits - np.log(np.exp(logits).sum(1, keepdims=True))).astype(np.float32)
    out.append({"lp": lp.flatten().tolist(), "greedyish": prefix_beam_search(lp, V, lm, 0.0, 0.0, beam=6),
                "fused": prefix_beam_search(lp, V, lm, 0.5, 1.0, beam=6)})
print(json.dumps(out))
`) as { lp: number[]; greedyish: number[]; fused: number[] }[];
      const lm = await readArpaFile(arpa, (w) => (/^p\d+$/.test(w) ? Number(w.slice(1)) : undefined), V);
      const plain = new CtcPrefixBeamSearchDecoder(V, 6, null);
      const fused = new CtcPrefixBeamSearchDecoder(V, 6, { lm, scale: 0.5, tokenBonus: 1.0 });
      let differs = 0;
      for (const u of r) {
        const m = Float32Array.from(u.lp);
        expect(plain.best(await decodeInChunks(plain, m, V + 1, 8)).tokens).toEqual(u.greedyish);
        const tokens = fused.best(await decodeInChunks(fused, m, V + 1, 8)).tokens;
        expect(tokens).toEqual(u.fused);
        if (JSON.stringify(u.fused) !== JSON.stringify(u.greedyish)) differs++;
      }
      // The LM changes the result on some utterances, so the comparison above covers the fusion.
      expect(differs).toBeGreaterThan(5);
    });
  });
});

describe('CtcPrefixBeamSearchDecoder with hotwords', () => {
  // tokens: ▁c=0, a=1, t=2, ▁k=3, blank=4
  const PIECES = ['▁c', 'a', 't', '▁k', '<blk>'];
  const symbols = SymbolTable.parse(PIECES.map((p, i) => `${p} ${i}`).join('\n'));
  // The audio says "kat" a little more than "cat": ▁k 0.55 vs ▁c 0.45, then a, t.
  const m = logRows([
    [0.45, 0.0, 0.0, 0.55, 0.0].map((p) => p || 1e-6),
    [1e-6, 0.98, 1e-6, 1e-6, 0.02],
    [1e-6, 1e-6, 0.98, 1e-6, 0.02],
    [1e-6, 1e-6, 1e-6, 1e-6, 1],
  ]);

  it('spells a hotword where the audio is close to it, and never where it is not', async () => {
    const d = new CtcPrefixBeamSearchDecoder(4, 4, null);
    const plain = d.initial();
    await d.decode(m, 4, 5, [plain]);
    expect(d.best(plain).tokens).toEqual([3, 1, 2]);
    const biased = d.initial(new HotwordGraph(['cat'], symbols, 1));
    await d.decode(m, 4, 5, [biased]);
    expect(d.best(biased).tokens).toEqual([0, 1, 2]);
    // After a reset the stream still has its hotwords.
    const again = d.reset(biased);
    await d.decode(m, 4, 5, [again]);
    expect(d.best(again).tokens).toEqual([0, 1, 2]);
    // A hotword the audio does not resemble changes nothing.
    const other = d.initial(new HotwordGraph(['tact'], symbols, 1));
    await d.decode(m, 4, 5, [other]);
    expect(d.best(other).tokens).toEqual([3, 1, 2]);
  });

  it('does not keep the bonus of a hotword that is only partly spelled when the segment ends', async () => {
    // Two frames: "▁c a" (the start of "cat") against "▁k a"; the hotword never completes.
    const short = logRows([
      [0.45, 1e-6, 1e-6, 0.55, 1e-6],
      [1e-6, 0.98, 1e-6, 1e-6, 0.02],
    ]);
    const d = new CtcPrefixBeamSearchDecoder(4, 4, null);
    const s = d.initial(new HotwordGraph(['cat'], symbols, 1));
    await d.decode(short, 2, 5, [s]);
    expect(d.best(s).tokens).toEqual([3, 1]);
  });
});

describe('CtcPrefixBeamSearchDecoder: the LM end of sentence counts only once a segment is final', () => {
  it('a partial keeps the acoustically better path; the final takes the one the LM lets end', async () => {
    // Tokens a=0, b=1, blank=2. The LM: either token is fine to say, but a sentence may end
    // only after b.
    const lm = parseArpa(END_AFTER_B_ARPA, (w) => ({ a: 0, b: 1 })[w], 2);
    const d = new CtcPrefixBeamSearchDecoder(2, 4, { lm, scale: 0.5, tokenBonus: 0 });
    const s = d.initial();
    await d.decode(logRows([[0.55, 0.44, 0.01], [0.01, 0.01, 0.98]]), 2, 3, [s]);
    expect(d.best(s, false).tokens).toEqual([0]);
    expect(d.best(s, true).tokens).toEqual([1]);
    expect(d.best(s).tokens).toEqual([1]);
  });
});
