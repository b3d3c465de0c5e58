import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/fixture-paths.ts';
import { trainingPython as python } from '../test-support/training-python.ts';

// training/transducer.py and onnx_import.py: the pieces of the transducer recipe that a wrong
// index would silently break — the loss, the decoder contexts, reading the shipped model back.

describe('transducer training pieces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-transducer-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one_symbol_rnnt_loss equals the sum over every one-symbol-per-frame alignment', () => {
    const r = python(`
import itertools, torch
from transducer import one_symbol_rnnt_loss
torch.manual_seed(0)
B, T, U, V = 3, 6, 3, 5
logits = torch.randn(B, T, U + 1, V, dtype=torch.float64)
targets = torch.tensor([[1, 2, 3], [4, 1, 0], [2, 2, 2]])
tl, ll = torch.tensor([3, 2, 3]), torch.tensor([6, 4, 2])
loss = one_symbol_rnnt_loss(logits, targets, ll, tl)
lp = logits.log_softmax(-1)
refs = []
for b in range(B):
    n, u = int(ll[b]), int(tl[b])
    paths = []
    for pos in itertools.combinations(range(n), u):  # the frames that emit a piece
        s, k = 0.0, 0
        for t in range(n):
            if t in pos:
                s += lp[b, t, k, targets[b, k]]; k += 1
            else:
                s += lp[b, t, k, 0]
        paths.append(s)
    refs.append(float(-torch.logsumexp(torch.stack(paths), 0)) if paths else float("inf"))
print(json.dumps({"loss": [float(x) if x != float("inf") else "inf" for x in loss],
                  "ref": [x if x != float("inf") else "inf" for x in refs]}))
`) as { loss: (number | string)[]; ref: (number | string)[] };
    expect(r.loss[2]).toBe('inf'); // 3 pieces cannot fit in 2 frames
    expect(r.ref[2]).toBe('inf');
    for (const i of [0, 1]) expect(r.loss[i] as number).toBeCloseTo(r.ref[i] as number, 9);
  });

  it("builds decoder contexts from sherpa-onnx's start [-1, ..., 0], one per output position", () => {
    const r = python(`
import torch
from transducer import contexts
print(json.dumps(contexts(torch.tensor([[5, 6, 7]]), 3).tolist()))
`) as number[][][];
    expect(r[0]).toEqual([
      [-1, -1, 0],
      [-1, 0, 5],
      [0, 5, 6],
      [5, 6, 7],
    ]);
  });

  it('--digit-keep tells digit strings (thinned per epoch) from sentences that mention a digit', () => {
    const r = python(`
from train_transducer import is_digit_string
texts = ["zero seven eight eight four", "oh two", "call four seven six", "six thirty", "nine"]
print(json.dumps([is_digit_string(t) for t in texts]))
`) as boolean[];
    expect(r).toEqual([true, true, false, false, true]);
  });

  it('averages checkpoints: float tensors of all three parts are the mean, the rest is the last one', () => {
    const r = python(`
import torch
from average_checkpoints import average
def ck(x, step):
    part = lambda: {"w": torch.full((2,), x), "n": torch.tensor([step])}
    return {"step": step, "encoder": part(), "decoder": part(), "joiner": part()}
avg = average([ck(1.0, 10), ck(2.0, 20), ck(6.0, 30)])
print(json.dumps({"step": avg["step"], "w": [avg[p]["w"].tolist() for p in ("encoder", "decoder", "joiner")],
                  "n": avg["joiner"]["n"].tolist()}))
`) as { step: number; w: number[][]; n: number[] };
    expect(r).toEqual({ step: 30, w: [[3, 3], [3, 3], [3, 3]], n: [30] });
  });

  it('reads the shipped model.onnx back into PyTorch with the same log-probs as onnxruntime', () => {
    const r = python(`
import subprocess, sys
out = subprocess.run([sys.executable, ${JSON.stringify(join(REPO_ROOT, 'training', 'onnx_import.py'))}, ${JSON.stringify(join(REPO_ROOT, 'models', 'earshot-en-small', 'model.onnx'))}],
                     capture_output=True, text=True)
print(json.dumps({"rc": out.returncode, "out": out.stdout + out.stderr}))
`) as { rc: number; out: string };
    expect(r.rc, r.out).toBe(0);
    expect(r.out).toMatch(/3\.61 M params, max \|onnxruntime - imported\| = \d\.\d+e-0[5-9]/);
  }, 60_000);

  it('round-trips a transducer weights file (fp32 exactly, fp16 closely); the CTC loader refuses it', () => {
    const bpe = join(REPO_ROOT, 'models', 'earshot-en-small', 'tokens.txt'); // any bytes do here
    const r = python(`
import torch
from earshot_model import EarshotCTC, ModelConfig
from transducer import Joiner, StatelessDecoder
from weights_file import load_transducer_weights, load_weights, save_transducer_weights
torch.manual_seed(0)
m = EarshotCTC(ModelConfig(vocab_size=10, d_model=32, n_layers=2, conv_kernel=5, sub_channels=8,
                           encoder="gru", dropout=0.0)).eval()
d, j = StatelessDecoder(11, 4, 24, embed=8, hidden=16).eval(), Joiner(32, 24, 11).eval()
torch.nn.init.normal_(j.out.weight)  # non-zero, so that the prediction network matters
x, y = torch.randn(1, 35, 80), torch.tensor([[-1, -1, 0, 3]])
def run(m, d, j):
    with torch.no_grad():
        return j(m.encode(x)[0, :2], d(y)).flatten()
ref, out = run(m, d, j), {}
for dt in ("fp32", "fp16"):
    path = ${JSON.stringify(join(dir, 'w-'))} + dt + ".npz"
    save_transducer_weights(m, d, j, ${JSON.stringify(bpe)}, path, 7, dt)
    m2, d2, j2, blob, step = load_transducer_weights(path)
    out[dt] = {"diff": float((run(m2, d2, j2) - ref).abs().max()), "step": step,
               "bpe": blob == open(${JSON.stringify(bpe)}, "rb").read(), "context": d2.context}
try:
    load_weights(${JSON.stringify(join(dir, 'w-fp32.npz'))})
    out["ctc"] = "loaded"
except ValueError as e:
    out["ctc"] = str(e)
print(json.dumps(out))
`) as Record<string, { diff: number; step: number; bpe: boolean; context: number }> & { ctc: string };
    expect(r.fp32).toEqual({ diff: 0, step: 7, bpe: true, context: 4 });
    expect(r.fp16.diff).toBeGreaterThan(0);
    expect(r.fp16.diff).toBeLessThan(5e-2);
    expect(r.ctc).toMatch(/a transducer weights file, not a CTC model/);
  }, 60_000);

  it("exports sherpa-onnx's lstm transducer metadata (T, chunk shift, packed state widths, context)", () => {
    const r = python(`
import torch, onnx
from earshot_model import EarshotCTC, ModelConfig
from transducer import Joiner, StatelessDecoder, export_transducer
torch.manual_seed(0)
m = EarshotCTC(ModelConfig(vocab_size=10, d_model=32, n_layers=2, conv_kernel=5, sub_channels=8,
                           encoder="gru", dropout=0.0)).eval()
d, j = StatelessDecoder(11, 4, 32, embed=8, hidden=16), Joiner(32, 32, 11)
export_transducer(m, d, j, ${JSON.stringify(dir)}, "test")
meta = {p.key: p.value for p in onnx.load(${JSON.stringify(join(dir, 'encoder.onnx'))}).metadata_props}
dm = {p.key: p.value for p in onnx.load(${JSON.stringify(join(dir, 'decoder.onnx'))}).metadata_props}
print(json.dumps({"meta": meta, "dec": dm}))
`) as { meta: Record<string, string>; dec: Record<string, string> };
    expect(r.meta).toMatchObject({ model_type: 'lstm', num_encoder_layers: '2', T: '35', decode_chunk_len: '32', d_model: '32', rnn_hidden_size: '128' });
    expect(r.dec).toMatchObject({ context_size: '4', vocab_size: '11' });
  }, 60_000);
});
