import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { trainingPython } from '../../../test-support/training-python.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { parseArpa, readArpaFile } from './arpa-reader.ts';
import type { NgramLm } from './ngram-lm.ts';

const LN10 = Math.LN10;
// Tokens of a toy recognizer: a=0, b=1, c=2 (c is not in the LM below).
const TOKENS = ['a', 'b', 'c'];
const tokenId = (w: string): number | undefined => (TOKENS.includes(w) ? TOKENS.indexOf(w) : undefined);

const TRIGRAM = `
\\data\\
ngram 1=4
ngram 2=3
ngram 3=1

\\1-grams:
-0.5\t</s>
-99\t<s>\t-0.2
-0.4\ta\t-0.3
-0.6\tb\t-0.1

\\2-grams:
-0.2\t<s> a\t-0.05
-0.3\ta b
-0.7\ta </s>

\\3-grams:
-0.1\t<s> a b

\\end\\
`;

/** Walks `tokens` from the sentence start; the natural-log probability of each and the state after. */
function walk(lm: NgramLm, tokens: number[]): { logProbs: number[]; state: number } {
  let state = lm.startState;
  const logProbs = tokens.map((t) => {
    const step = lm.score(state, t);
    state = step.next;
    return step.logProb;
  });
  return { logProbs, state };
}

describe('parseArpa', () => {
  const lm = parseArpa(TRIGRAM, tokenId, TOKENS.length);

  it('scores listed n-grams and backs off through the history otherwise (natural log)', () => {
    expect(lm.order).toBe(3);
    expect(lm.size).toBe(8);
    const { logProbs, state } = walk(lm, [0, 1, 1]);
    expect(logProbs[0]).toBeCloseTo(-0.2 * LN10, 12); // P(a | <s>)
    expect(logProbs[1]).toBeCloseTo(-0.1 * LN10, 12); // P(b | <s> a)
    // P(b | a b): no 'a b b', no 'b b': bow(a b)=0 + bow(b) + P(b)
    expect(logProbs[2]).toBeCloseTo((-0.1 - 0.6) * LN10, 12);
    // after 'b': P(</s> | b) = bow(b) + P(</s>)
    expect(lm.endLogProb(state)).toBeCloseTo((-0.1 - 0.5) * LN10, 12);
    // P(</s> | <s> a) = bow(<s> a) + P(</s> | a)
    expect(lm.endLogProb(walk(lm, [0]).state)).toBeCloseTo((-0.05 - 0.7) * LN10, 12);
    // P(a | <s> a): bow(<s> a) + bow(a) + P(a)
    expect(walk(lm, [0, 0]).logProbs[1]).toBeCloseTo((-0.05 - 0.3 - 0.4) * LN10, 12);
  });

  it('gives a token the file lacks the <unk> score, else a floor of 1e-10', () => {
    expect(lm.score(lm.startState, 2).logProb).toBeCloseTo(-10 * LN10, 12);
    const withUnk = parseArpa(TRIGRAM.replace('ngram 1=4', 'ngram 1=5').replace('-0.6\tb\t-0.1', '-0.6\tb\t-0.1\n-3\t<unk>'), tokenId, 3);
    expect(withUnk.score(withUnk.startState, 2).logProb).toBeCloseTo(-3 * LN10, 12);
  });

  it.each([
    ['text that is not ARPA', 'hello\n', /expected \\data\\/],
    ['a count that does not match its section', TRIGRAM.replace('ngram 2=3', 'ngram 2=4'), /announces 4 2-grams, the section has 3/],
    ['an n-gram over a word without a unigram', TRIGRAM.replace('-0.3\ta b', '-0.3\ta x'), /word 'x' has no unigram/],
    ['an n-gram whose history is not listed', TRIGRAM.replace('-0.1\t<s> a b', '-0.1\tb a b'), /has no 2-gram for its history/],
    ['no </s>', TRIGRAM.replace('ngram 1=4', 'ngram 1=3').replace('-0.5\t</s>\n', '').replace('-0.7\ta </s>', '-0.7\ta a'), /<s> and <\/s>/],
    ['an n-gram listed twice', TRIGRAM.replace('ngram 2=3', 'ngram 2=4').replace('-0.3\ta b', '-0.3\ta b\n-0.3\ta b'), /listed twice/],
    ['a missing \\end\\', TRIGRAM.replace('\\end\\', ''), /expected \\end\\/],
    ['a probability that is not a number', TRIGRAM.replace('-0.4\ta', 'x\ta'), /must be numbers/],
  ])('rejects %s with ModelInvalid and the line', (_name, text, message) => {
    expect(() => parseArpa(text, tokenId, 3, 'lm.arpa')).toThrowError(expect.objectContaining({ code: ErrorCode.ModelInvalid, message: expect.stringMatching(message) }));
  });
});

describe('readArpaFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-arpa-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing file as ModelNotFound', async () => {
    await expect(readArpaFile(join(dir, 'none.arpa'), tokenId, 3)).rejects.toMatchObject({ code: ErrorCode.ModelNotFound });
  });

  it('reads a gzip-compressed file (.gz) and reports a corrupt one as ModelInvalid', async () => {
    writeFileSync(join(dir, 'lm.arpa.gz'), gzipSync(TRIGRAM));
    const lm = await readArpaFile(join(dir, 'lm.arpa.gz'), tokenId, 3);
    expect(walk(lm, [0, 1]).logProbs).toEqual(walk(parseArpa(TRIGRAM, tokenId, 3), [0, 1]).logProbs);
    writeFileSync(join(dir, 'bad.arpa.gz'), TRIGRAM);
    await expect(readArpaFile(join(dir, 'bad.arpa.gz'), tokenId, 3)).rejects.toMatchObject({ code: ErrorCode.ModelInvalid });
  });

  it("equals training/lm_probe.py's Witten-Bell model, from the ARPA file it writes", async () => {
    const path = join(dir, 'wb.arpa');
    const V = 7;
    const r = trainingPython(`
import random
from lm_probe import PieceNgram
rng = random.Random(5)
V = ${V}
sents = [[rng.randrange(V) for _ in range(rng.randrange(1, 12))] for _ in range(200)]
lm = PieceNgram(sents, 4, V)
lm.write_arpa(${JSON.stringify(path)}, [f"p{i}" for i in range(V)])
cases = []
for _ in range(300):
    prefix = [rng.randrange(V) for _ in range(rng.randrange(0, 7))]
    w = rng.randrange(V + 1)  # V is </s>
    cases.append([prefix, w, lm.logp(lm.history(prefix), lm.eos if w == V else w)])
print(json.dumps(cases))
`) as [number[], number, number][];
    const lm = await readArpaFile(path, (w) => (/^p\d+$/.test(w) ? Number(w.slice(1)) : undefined), V);
    let worst = 0;
    for (const [prefix, w, expected] of r) {
      const { state } = walk(lm, prefix);
      const got = w === V ? lm.endLogProb(state) : lm.score(state, w).logProb;
      worst = Math.max(worst, Math.abs(got - expected));
    }
    // The file keeps six decimals of log10.
    expect(worst).toBeLessThan(1e-5);
  });
});
