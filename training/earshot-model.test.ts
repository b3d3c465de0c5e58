import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { trainingPython as python } from '../test-support/training-python.ts';

// The streaming contract of training/earshot_model.py: what the exported model computes chunk by
// chunk (model.step, as sherpa-onnx and the engine call it) equals the whole-utterance forward
// pass that training optimizes, and growing a trained model (--layers, --lookahead-layers with
// --init-from) starts exactly where the checkpoint was.
const SMALL_GRU = `
import torch
from earshot_model import EarshotCTC, ModelConfig, pad_features, stream_logprobs
def small(**kw):
    torch.manual_seed(0)
    cfg = ModelConfig(vocab_size=32, d_model=48, n_layers=2, n_heads=4, ff_mult=2, conv_kernel=5,
                      sub_channels=8, dropout=0.0, encoder="gru", **kw)
    m = EarshotCTC(cfg).eval()
    with torch.no_grad():
        for p in m.parameters():  # large random weights, so that every block matters
            p.normal_(0, 0.3)
    return m
def whole(m, f):
    with torch.no_grad():
        return m(f.unsqueeze(0), torch.tensor([f.shape[0]]))[0][0]
`;

describe('earshot_model streaming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-model-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a GRU encoder with in-chunk lookahead exactly like the whole utterance', () => {
    const r = python(`${SMALL_GRU}
m = small(lookahead_layers=2)
torch.manual_seed(1)
f = pad_features(torch.randn(700, 80), m.cfg.chunk)
full = whole(m, f)
with torch.no_grad():  # trailing silence lets the streaming loop emit the last chunk
    st = stream_logprobs(m, torch.cat([f, torch.full((40, 80), -15.9)]))[:full.shape[0]]
print(json.dumps({"frames": [full.shape[0], st.shape[0]], "diff": float((full - st).abs().max())}))
`) as { frames: number[]; diff: number };
    expect(r.frames[0]).toBeGreaterThan(100);
    expect(r.frames[1]).toBe(r.frames[0]);
    expect(r.diff).toBeLessThan(1e-4);
  });

  it('lets a frame see the later frames of its own chunk, never the next chunk', () => {
    const r = python(`${SMALL_GRU}
m, c = small(lookahead_layers=1), 8
torch.manual_seed(1)
f = pad_features(torch.randn(400, 80), c)
base = whole(m, f)
def first_changed(feature_frame):
    g = f.clone(); g[feature_frame] += 5.0
    d = (whole(m, g) - base).abs().amax(-1)
    return int((d > 1e-6).nonzero()[0])
# output frame t reads feature frames 4t..4t+6; frame 4*c*2 + 30 is in output chunk 2 only
plain = small()
g = f.clone(); g[4 * c * 2 + 30] += 5.0
d = (whole(plain, g) - whole(plain, f)).abs().amax(-1)
print(json.dumps({"lookahead": first_changed(4 * c * 2 + 30), "causal": int((d > 1e-6).nonzero()[0]),
                  "next_chunk": first_changed(4 * c * 3 + 3)}))
`) as { lookahead: number; causal: number; next_chunk: number };
    expect(r.lookahead).toBe(16); // the first frame of chunk 2 (frames 16-23) already sees it
    expect(r.causal).toBeGreaterThanOrEqual(22); // without lookahead only the frames from there on
    expect(r.next_chunk).toBe(24); // chunk 2 never sees chunk 3
  });

  it('grows a trained model deeper and with lookahead without changing its output', () => {
    const r = python(`${SMALL_GRU}
import os, tempfile
from train import init_model
m = small()
path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
torch.save({"model": m.state_dict()}, path)
big = small(lookahead_layers=2)
big.cfg.n_layers = 3
big = EarshotCTC(big.cfg).eval()
init_model(big, path, "cpu")
torch.manual_seed(1)
f = pad_features(torch.randn(300, 80), 8)
print(json.dumps({"diff": float((whole(big, f) - whole(m, f)).abs().max()),
                  "params": [sum(p.numel() for p in x.parameters()) for x in (m, big)]}))
`) as { diff: number; params: number[] };
    expect(r.params[1]).toBeGreaterThan(r.params[0]);
    expect(r.diff).toBeLessThan(1e-5);
  });

  it('exports the lookahead blocks to ONNX: onnxruntime-node runs a window as PyTorch steps it', async () => {
    const r = python(`${SMALL_GRU}
from earshot_model import export_onnx
m = small(lookahead_layers=1)
export_onnx(m, ${JSON.stringify(join(dir, 'lookahead.onnx'))})
torch.manual_seed(2)
c = m.cfg
window = torch.randn(1, c.window_size, 80)
ch, tm, ln = torch.randn(1, c.n_layers, c.cache_len, c.d_model), torch.randn(1, c.n_layers, c.d_model, c.conv_kernel - 1), torch.tensor([1])
with torch.no_grad():
    lp, ch2, tm2, _ = m.step(window, ch, tm, ln)
flat = lambda t: [float(v) for v in t.reshape(-1)]
print(json.dumps({"window": flat(window.transpose(1, 2)), "ch": flat(ch), "tm": flat(tm), "shape": [c.window_size, c.n_layers, c.cache_len, c.d_model, c.conv_kernel - 1],
                  "lp": flat(lp), "ch2": flat(ch2), "tm2": flat(tm2)}))
`) as { window: number[]; ch: number[]; tm: number[]; shape: number[]; lp: number[]; ch2: number[]; tm2: number[] };
    const [w, layers, cacheLen, d, k] = r.shape;
    const session = await InferenceSession.create(join(dir, 'lookahead.onnx'));
    try {
      const out = await session.run({
        audio_signal: new Tensor('float32', Float32Array.from(r.window), [1, 80, w]),
        length: new Tensor('int64', BigInt64Array.from([BigInt(w)]), [1]),
        cache_last_channel: new Tensor('float32', Float32Array.from(r.ch), [1, layers, cacheLen, d]),
        cache_last_time: new Tensor('float32', Float32Array.from(r.tm), [1, layers, d, k]),
        cache_last_channel_len: new Tensor('int64', BigInt64Array.from([1n]), [1]),
      });
      const maxDiff = (a: ArrayLike<number>, b: number[]) => Math.max(...b.map((v, i) => Math.abs(v - Number(a[i]))));
      expect(out.logprobs.dims).toEqual([1, 8, 33]);
      expect(maxDiff(out.logprobs.data as Float32Array, r.lp)).toBeLessThan(1e-4);
      expect(maxDiff(out.cache_last_channel_next.data as Float32Array, r.ch2)).toBeLessThan(1e-4);
      expect(maxDiff(out.cache_last_time_next.data as Float32Array, r.tm2)).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  });
});
