"""Export a tiny random-weight model with the shipped architecture, for engine tests.

    /usr/bin/python3 training/make_fixture.py --out DIR [--seed 0]

Writes DIR/model.onnx and DIR/tokens.txt: same code path, ONNX signature and metadata as
models/earshot-en-small (earshot_model.export_onnx), but d_model 64, 2 layers and a
30-symbol character vocabulary (plus <blk>). Runs in a few seconds on CPU.

With --transducer it writes the shipped transducer's layout instead (transducer.py: a GRU
encoder in sherpa-onnx's lstm layout, encoder/decoder/joiner.onnx, blank id 0), with random
prediction-network and joiner weights so that the decoder context changes the output.

The size flags make the same architecture bigger for load tests (cost depends on the shape,
not on the weights), e.g. the ~29 M-parameter "heavy" bench model (BENCHMARKS.md):
    make_fixture.py --out DIR --d-model 320 --layers 12 --heads 8 --conv-kernel 15 --sub-channels 64
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
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--conv-kernel", type=int, default=7)
    ap.add_argument("--sub-channels", type=int, default=8)
    ap.add_argument("--transducer", action="store_true")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    if a.transducer:
        return transducer_fixture(a)
    cfg = ModelConfig(vocab_size=len(TOKENS), d_model=a.d_model, n_layers=a.layers, n_heads=a.heads,
                      sub_channels=a.sub_channels, conv_kernel=a.conv_kernel)
    model = EarshotCTC(cfg)
    model.feat_mean.fill_(-8.0)  # typical log-mel level, so random outputs vary with input
    model.feat_std.fill_(4.0)
    os.makedirs(a.out, exist_ok=True)
    export_onnx(model, os.path.join(a.out, "model.onnx"),
                {"version": f"fixture-seed{a.seed}", "comment": "random-weight test fixture"})
    write_tokens(TOKENS, os.path.join(a.out, "tokens.txt"))
    params = sum(p.numel() for p in model.parameters())
    print(f"{a.out}: {params / 1e6:.1f} M parameters (d_model {a.d_model}, {a.layers} layers)")


def transducer_fixture(a):
    import transducer

    cfg = ModelConfig(vocab_size=len(TOKENS), d_model=a.d_model, n_layers=a.layers,
                      sub_channels=a.sub_channels, conv_kernel=5, encoder="gru", dropout=0.0)
    model = EarshotCTC(cfg).eval()
    model.feat_mean.fill_(-8.0)
    model.feat_std.fill_(4.0)
    vocab = len(TOKENS) + 1
    decoder = transducer.StatelessDecoder(vocab, 3, a.d_model, embed=16, hidden=64)
    joiner = transducer.Joiner(a.d_model, a.d_model, vocab)
    with torch.no_grad():
        joiner.init_from_ctc_head(model.head)
        joiner.ctc.bias[0] += 2.0  # blank often, as a trained model: tokens stay sparse
        joiner.out.weight.normal_(0, 0.5)
    transducer.export_transducer(model, decoder, joiner, a.out, f"fixture-seed{a.seed}")
    transducer.write_tokens(TOKENS, os.path.join(a.out, "tokens.txt"))
    print(f"{a.out}: GRU transducer fixture (d_model {a.d_model}, {a.layers} layers)")


if __name__ == "__main__":
    main()
