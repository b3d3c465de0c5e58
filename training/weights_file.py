"""Weights-only model file: state dict + ModelConfig + the SentencePiece model, in one .npz.

What training/gpu/run.sh brings back from a lent GPU machine (torch 2.11 there, Debian's 1.13
here): plain numpy arrays (no pickle), so it loads with any torch and numpy on either side,
and export.py --weights turns it into model.onnx + tokens.txt here. A lent machine returns
files of at most 16 MiB, so weights are stored as float16 when float32 would not fit
("auto"); they load back as float32 either way.
"""
from dataclasses import asdict
import io
import json
import os

import numpy as np
import torch

from earshot_model import EarshotCTC, ModelConfig

MAX_FP32_BYTES = 15 * 2 ** 20  # below the 16 MiB a lent machine's $OUT returns per file


def save_weights(model, bpe_model_path, path, step, dtype="auto"):
    """Writes `path` (.npz); returns the dtype used for the float tensors."""
    sd = {k: v.detach().float().cpu().numpy() if v.is_floating_point() else v.cpu().numpy()
          for k, v in model.state_dict().items()}
    fp32_bytes = sum(a.nbytes for a in sd.values())
    if dtype == "auto":
        dtype = "fp32" if fp32_bytes <= MAX_FP32_BYTES else "fp16"
    if dtype not in ("fp32", "fp16"):
        raise ValueError(f"weights dtype must be auto, fp32 or fp16, not {dtype!r}")
    if dtype == "fp16":
        sd = {k: a.astype(np.float16) if a.dtype == np.float32 else a for k, a in sd.items()}
    meta = {"cfg": asdict(model.cfg), "step": int(step), "dtype": dtype}
    arrays = {"w/" + k: a for k, a in sd.items()}
    arrays["meta_json"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    with open(bpe_model_path, "rb") as f:
        arrays["bpe_model"] = np.frombuffer(f.read(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with open(path + ".tmp", "wb") as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)
    return dtype


def load_weights(path):
    """-> (EarshotCTC in eval mode, float32 weights; SentencePiece model bytes; step)."""
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta_json"].tobytes().decode())
        sd = {k[2:]: torch.from_numpy(z[k].astype(np.float32) if z[k].dtype == np.float16
                                      else z[k]) for k in z.files if k.startswith("w/")}
        bpe = z["bpe_model"].tobytes()
    model = EarshotCTC(ModelConfig(**meta["cfg"]))
    model.load_state_dict(sd)
    return model.eval(), bpe, meta["step"]
