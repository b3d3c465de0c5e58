"""Weights-only model files: state dicts + configuration + the SentencePiece model, in one .npz.

What training/gpu/run.sh carries to and brings back from a lent GPU machine (torch 2.11 there,
Debian's 1.13 here): plain numpy arrays (no pickle), so a file loads with any torch and numpy
on either side. Two kinds:
* CTC (`save_weights`/`load_weights`): the encoder + CTC head; export.py --weights turns it
  into model.onnx + tokens.txt here.
* transducer (`save_transducer_weights`/`load_transducer_weights`): the encoder, the stateless
  prediction network and the joiner of transducer.py; train_transducer.py --init-from starts
  from one, export_transducer.py --weights exports one.
A lent machine returns files of at most 16 MiB, so weights are stored as float16 when float32
would not fit ("auto"); they load back as float32 either way.
"""
from dataclasses import asdict
import io
import json
import os

import numpy as np
import torch

from earshot_model import EarshotCTC, ModelConfig
from transducer import Joiner, StatelessDecoder

MAX_FP32_BYTES = 15 * 2 ** 20  # below the 16 MiB a lent machine's $OUT returns per file


def _write(path, groups, meta, bpe_model_path, dtype):
    """groups: {array-name prefix: torch state dict}. Returns the dtype used for floats."""
    arrays = {}
    for prefix, sd in groups.items():
        for k, v in sd.items():
            v = v.detach().cpu()
            arrays[prefix + k] = (v.float() if v.is_floating_point() else v).numpy()
    if dtype == "auto":
        fp32_bytes = sum(a.nbytes for a in arrays.values())
        dtype = "fp32" if fp32_bytes <= MAX_FP32_BYTES else "fp16"
    if dtype not in ("fp32", "fp16"):
        raise ValueError(f"weights dtype must be auto, fp32 or fp16, not {dtype!r}")
    if dtype == "fp16":
        arrays = {k: a.astype(np.float16) if a.dtype == np.float32 else a
                  for k, a in arrays.items()}
    arrays["meta_json"] = np.frombuffer(json.dumps({**meta, "dtype": dtype}).encode(), np.uint8)
    with open(bpe_model_path, "rb") as f:
        arrays["bpe_model"] = np.frombuffer(f.read(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with open(path + ".tmp", "wb") as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)
    return dtype


def _read(path):
    """-> (meta, {prefix: state dict (float32)}, SentencePiece model bytes)."""
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta_json"].tobytes().decode())
        groups = {}
        for k in z.files:
            if "/" not in k:
                continue
            prefix, name = k.split("/", 1)
            a = z[k].astype(np.float32) if z[k].dtype == np.float16 else z[k]
            groups.setdefault(prefix + "/", {})[name] = torch.from_numpy(a)
        bpe = z["bpe_model"].tobytes()
    return meta, groups, bpe


def save_weights(model, bpe_model_path, path, step, dtype="auto"):
    """A CTC model -> `path` (.npz); returns the dtype used for the float tensors."""
    meta = {"cfg": asdict(model.cfg), "step": int(step)}
    return _write(path, {"w/": model.state_dict()}, meta, bpe_model_path, dtype)


def load_weights(path):
    """-> (EarshotCTC in eval mode, float32 weights; SentencePiece model bytes; step)."""
    meta, groups, bpe = _read(path)
    if meta.get("kind", "ctc") != "ctc":
        raise ValueError(f"{path}: a {meta['kind']} weights file, not a CTC model")
    model = EarshotCTC(ModelConfig(**meta["cfg"]))
    model.load_state_dict(groups["w/"])
    return model.eval(), bpe, meta["step"]


def save_transducer_weights(model, decoder, joiner, bpe_model_path, path, step, dtype="auto"):
    """An encoder + transducer.py's StatelessDecoder and Joiner -> `path` (.npz)."""
    meta = {"kind": "transducer", "cfg": asdict(model.cfg), "step": int(step),
            "context": decoder.context, "embed": decoder.emb.embedding_dim,
            "hidden": decoder.l2.out_features, "joiner_dim": joiner.enc_proj.out_features}
    groups = {"w/": model.state_dict(), "dec/": decoder.state_dict(), "join/": joiner.state_dict()}
    return _write(path, groups, meta, bpe_model_path, dtype)


def load_transducer_weights(path):
    """-> (encoder, decoder, joiner in eval mode, float32; SentencePiece model bytes; step)."""
    meta, groups, bpe = _read(path)
    if meta.get("kind") != "transducer":
        raise ValueError(f"{path}: not a transducer weights file")
    model = EarshotCTC(ModelConfig(**meta["cfg"]))
    model.load_state_dict(groups["w/"])
    vocab = model.cfg.vocab_size + 1
    decoder = StatelessDecoder(vocab, meta["context"], meta["joiner_dim"], meta["embed"],
                               meta["hidden"])
    decoder.load_state_dict(groups["dec/"])
    joiner = Joiner(model.cfg.d_model, meta["joiner_dim"], vocab)
    joiner.load_state_dict(groups["join/"])
    return model.eval(), decoder.eval(), joiner.eval(), bpe, meta["step"]
