import { describe, expect, it } from 'vitest';
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
});
