"""Read a shipped GRU model.onnx (earshot_model.export_onnx) back into a PyTorch EarshotCTC.

The repository ships model.onnx, not the training checkpoint, so a new run that starts from the
shipped acoustic model (train_transducer.py) recovers its weights from the ONNX initializers:
named ones (biases, norms, convolutions) map by name; the exporter leaves the Linear weights as
anonymous MatMul initializers (transposed) and the GRUs as ONNX GRU W/R/B tensors (gate order
z, r, h instead of PyTorch's r, z, n), which map by their order in the graph. The result is
checked by `python3 training/onnx_import.py MODEL` against onnxruntime (see export.py's
ort_run.cjs) and in earshot-model.test.ts.
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from earshot_model import EarshotCTC, ModelConfig  # noqa: E402


def _config(named, anon, n_layers):
    d = named["m.sub.out.bias"].shape[0]
    return ModelConfig(
        vocab_size=named["m.head.bias"].shape[0] - 1, d_model=d, n_layers=n_layers,
        ff_mult=named["m.layers.0.ff.l1.bias"].shape[0] // d,
        conv_kernel=named["m.layers.0.conv.dw.weight"].shape[2],
        sub_channels=named["m.sub.conv1.bias"].shape[0], encoder="gru", dropout=0.0)


def _zrh_to_rzn(w, h):
    """ONNX GRU gate blocks (z, r, h) -> PyTorch (r, z, n) along axis 0."""
    z, r, n = w[:h], w[h:2 * h], w[2 * h:]
    return np.concatenate([r, z, n], 0)


def load_ctc_onnx(path):
    """EarshotCTC (eval mode) with the weights of a GRU-encoder model.onnx."""
    m = onnx.load(path)
    named, anon = {}, []
    for init in m.graph.initializer:
        arr = numpy_helper.to_array(init)
        if init.name.startswith("m."):
            named[init.name] = arr
        else:
            anon.append((init.name, arr))
    n_layers = len({k.split(".")[2] for k in named if k.startswith("m.layers.")})
    cfg = _config(named, anon, n_layers)
    model = EarshotCTC(cfg)
    sd = {k[2:]: torch.from_numpy(v.copy()) for k, v in named.items()}
    # Anonymous tensors in graph order: sub.out, then per layer conv.pw1, conv.pw2, GRU W, R, B,
    # ff.l1, ff.l2, then the head.
    order = ["sub.out"]
    for i in range(n_layers):
        order += [f"layers.{i}.conv.pw1", f"layers.{i}.conv.pw2", f"layers.{i}.gru.W",
                  f"layers.{i}.gru.R", f"layers.{i}.gru.B", f"layers.{i}.ff.l1", f"layers.{i}.ff.l2"]
    order.append("head")
    if len(anon) != len(order):
        raise ValueError(f"{path}: {len(anon)} anonymous initializers, expected {len(order)}")
    h = cfg.d_model
    for key, (_, arr) in zip(order, anon):
        if key.endswith(".W"):
            sd[key[:-1] + "weight_ih_l0"] = torch.from_numpy(_zrh_to_rzn(arr[0], h))
        elif key.endswith(".R"):
            sd[key[:-1] + "weight_hh_l0"] = torch.from_numpy(_zrh_to_rzn(arr[0], h))
        elif key.endswith(".B"):
            sd[key[:-1] + "bias_ih_l0"] = torch.from_numpy(_zrh_to_rzn(arr[0, :3 * h], h))
            sd[key[:-1] + "bias_hh_l0"] = torch.from_numpy(_zrh_to_rzn(arr[0, 3 * h:], h))
        else:
            sd[key + ".weight"] = torch.from_numpy(arr.T.copy())
    model.load_state_dict(sd, strict=True)
    return model.eval()


def main():
    """Compare the imported model's streaming log-probs with onnxruntime-node's."""
    import json
    import subprocess
    import tempfile

    from earshot_model import stream_logprobs

    path = sys.argv[1]
    model = load_ctc_onnx(path)
    torch.manual_seed(0)
    c = model.cfg
    feats = torch.randn(c.window_size + 3 * c.chunk_shift, c.n_mels) * 2 - 5
    with torch.no_grad():
        ref = stream_logprobs(model, feats)
    wins = []
    start = 0
    while start + c.window_size < feats.shape[0]:
        wins.append(feats[start:start + c.window_size].T.reshape(-1).tolist())
        start += c.chunk_shift
    with tempfile.TemporaryDirectory() as tmp:
        shapes = {"audio_signal": [1, c.n_mels, c.window_size],
                  "cache_last_channel": [1, c.n_layers, c.cache_len, c.d_model],
                  "cache_last_time": [1, c.n_layers, c.d_model, c.conv_kernel - 1]}
        with open(os.path.join(tmp, "in.json"), "w") as f:
            json.dump({"windows": wins, "shapes": shapes, "n": 1}, f)
        subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.cjs"), path,
                        os.path.join(tmp, "in.json"), os.path.join(tmp, "out.json")], check=True)
        out = json.load(open(os.path.join(tmp, "out.json")))
    ort = torch.tensor([v for w in out["logprobs"] for v in w]).reshape(ref.shape)
    diff = (ort - ref).abs().max().item()
    print(f"{path}: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M params, "
          f"max |onnxruntime - imported| = {diff:.2e}")
    sys.exit(0 if diff < 1e-3 else 1)


if __name__ == "__main__":
    main()
