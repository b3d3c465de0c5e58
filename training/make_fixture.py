"""Export a tiny random-weight model with the shipped architecture, for engine tests.

    /usr/bin/python3 training/make_fixture.py --out DIR [--seed 0]

Writes DIR/model.onnx and DIR/tokens.txt: same code path, ONNX signature and metadata as
models/earshot-en-small (earshot_model.export_onnx), but d_model 64, 2 layers and a
30-symbol character vocabulary (plus <blk>). Runs in a few seconds on CPU.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from earshot_model import EarshotCTC, ModelConfig, export_onnx, write_tokens  # noqa: E402

TOKENS = ["<unk>", "\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["'",
                                                                                 "\u2581the"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    cfg = ModelConfig(vocab_size=len(TOKENS), d_model=64, n_layers=2, n_heads=2,
                      sub_channels=8, conv_kernel=7)
    model = EarshotCTC(cfg)
    model.feat_mean.fill_(-8.0)  # typical log-mel level, so random outputs vary with input
    model.feat_std.fill_(4.0)
    os.makedirs(a.out, exist_ok=True)
    export_onnx(model, os.path.join(a.out, "model.onnx"),
                {"version": f"fixture-seed{a.seed}", "comment": "random-weight test fixture"})
    write_tokens(TOKENS, os.path.join(a.out, "tokens.txt"))


if __name__ == "__main__":
    main()
