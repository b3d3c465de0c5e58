import { describe, expect, it } from 'vitest';
import { trainingPython as python } from '../test-support/training-python.ts';

// training/lm_probe.py's language model, as the ARPA file an engine decoder would read.
describe('lm_probe piece n-gram', () => {
  it('writes an ARPA file whose back-off scores equal the Witten-Bell model', () => {
    const r = python(`
import math, random, tempfile, os
from lm_probe import PieceNgram
rng = random.Random(3)
V = 6
sents = [[rng.randrange(V) for _ in range(rng.randrange(1, 9))] for _ in range(60)]
lm = PieceNgram(sents, 3, V)
path = os.path.join(tempfile.mkdtemp(), "lm.arpa")
sizes = lm.write_arpa(path, [f"p{i}" for i in range(V)])
# A plain ARPA reader: P(w|h) = P(h w) if listed, else bow(h) * P(w | h[1:]).
prob, bow = {}, {}
for line in open(path):
    parts = line.rstrip("\\n").split("\\t")
    if len(parts) < 2:
        continue
    words = tuple(parts[1].split())
    prob[words] = float(parts[0])
    if len(parts) == 3:
        bow[words] = float(parts[2])
def arpa(h, w):
    if h + (w,) in prob:
        return prob[h + (w,)]
    return bow.get(h, 0.0) + arpa(h[1:], w)
name = lambda i: "<s>" if i == V else "</s>" if i == V + 1 else f"p{i}"
diffs, total = [], 0.0
for h in [(), (V,), (0,), (V, 1), (2, 3), (5, 5), (1, 4)]:
    ps = [lm.logp(h, w) / math.log(10) for w in list(range(V)) + [V + 1]]
    total = max(total, abs(sum(10 ** p for p in ps) - 1))
    for w, p in zip(list(range(V)) + [V + 1], ps):
        diffs.append(abs(arpa(tuple(name(i) for i in h), name(w)) - p))
print(json.dumps({"sizes": sizes, "max_diff": max(diffs), "sum_error": total}))
`) as { sizes: Record<string, number>; max_diff: number; sum_error: number };
    expect(r.sizes['1']).toBe(8); // 6 pieces, </s> and <s>
    expect(r.sizes['3']).toBeGreaterThan(20);
    expect(r.max_diff).toBeLessThan(1e-5);
    expect(r.sum_error).toBeLessThan(1e-9); // each history's distribution sums to one
  });
});
