"""Export a train_transducer.py run and check that sherpa-onnx decodes it like PyTorch does.

    /usr/bin/python3 training/export_transducer.py --exp /tmp/earshot-rnnt \
        --ctc-onnx models/earshot-en-small/model.onnx --out models/earshot-en-small-rnnt \
        --check-list /tmp/earshot-data/eval/espeak_heldout.tsv --check-n 40

or, for what a lent GPU machine brought back (training/gpu/run.sh, EARSHOT_GPU_TRANSDUCER=1),
`--weights DIR/rnnt-weights.npz` (weights_file.py; it carries its BPE model) instead of --exp.

`--pack FILE.npz` writes --exp's model as such a weights file instead (what
training/gpu/prepare.sh carries to a GPU machine for a run to start from).

Writes encoder.onnx, decoder.onnx, joiner.onnx and tokens.txt (transducer.py). The check runs
PyTorch in sherpa-onnx's streaming loop (windows of T frames from frame 0, advancing by
decode_chunk_len while a full window plus one frame exists) on the WAV plus the same 0.66 s of
trailing zeros that sherpa_decode.cjs appends, decodes greedily with at most one symbol per
frame, and compares the transcripts with sherpa-onnx-node's. Exits 1 on any difference.
"""
import argparse
import os
import sys

import numpy as np
import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import audio  # noqa: E402
from evaluate import decode  # noqa: E402
from onnx_import import load_ctc_onnx  # noqa: E402
from weights_file import load_transducer_weights, save_transducer_weights  # noqa: E402
from transducer import (Joiner, StatelessDecoder, export_transducer, greedy_decode,  # noqa: E402
                        write_tokens)

TAIL_PAD_S = 0.66


def load(exp, ctc_onnx):
    model = load_ctc_onnx(ctc_onnx)
    ck = torch.load(os.path.join(exp, "rnnt.pt"), map_location="cpu")
    vocab = model.cfg.vocab_size + 1
    decoder = StatelessDecoder(vocab, ck["context"], ck["joiner_dim"])
    decoder.load_state_dict(ck["decoder"])
    joiner = Joiner(model.cfg.d_model, ck["joiner_dim"], vocab)
    joiner.load_state_dict(ck["joiner"])
    if "encoder" in ck:  # a run that trained the encoder too (--encoder-lr-scale)
        model.load_state_dict(ck["encoder"])
    return model.eval(), decoder.eval(), joiner.eval(), ck["step"]


def stream_encode(model, feats):
    c = model.cfg
    ch = torch.zeros(1, c.n_layers, 1, c.d_model)
    tm = torch.zeros(1, c.n_layers, c.d_model, c.conv_kernel - 1)
    outs, start = [], 0
    while start + c.window_size < feats.shape[0]:
        h, ch, tm = model.encode_step(feats[start:start + c.window_size].unsqueeze(0), ch, tm)
        outs.append(h[0])
        start += c.chunk_shift
    return torch.cat(outs, 0) if outs else torch.zeros(0, c.d_model)


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--exp", help="a train_transducer.py folder: rnnt.pt + bpe.model")
    src.add_argument("--weights", help="a transducer weights file (.npz)")
    ap.add_argument("--ctc-onnx", default="models/earshot-en-small/model.onnx")
    ap.add_argument("--out", help="folder for the ONNX files")
    ap.add_argument("--pack", help="write a weights file (.npz) instead of exporting")
    ap.add_argument("--check-list", default="")
    ap.add_argument("--check-n", type=int, default=40)
    ap.add_argument("--node-modules", default=os.path.join(HERE, "..", "node_modules"))
    a = ap.parse_args()
    if not a.out and not a.pack:
        ap.error("one of --out or --pack is required")
    if a.pack:
        if not a.exp:
            ap.error("--pack reads a run folder: give --exp")
        model, decoder, joiner, step = load(a.exp, a.ctc_onnx)
        dt = save_transducer_weights(model, decoder, joiner, os.path.join(a.exp, "bpe.model"),
                                     a.pack, step)
        print(f"step {step} ({dt}) -> {a.pack}")
        return
    if a.weights:
        model, decoder, joiner, bpe, step = load_transducer_weights(a.weights)
        sp = spm.SentencePieceProcessor(model_proto=bpe)
    else:
        model, decoder, joiner, step = load(a.exp, a.ctc_onnx)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(a.exp, "bpe.model"))
    export_transducer(model, decoder, joiner, a.out, f"rnnt-step{step}")
    write_tokens([sp.id_to_piece(i) for i in range(sp.get_piece_size())],
                 os.path.join(a.out, "tokens.txt"))
    print(f"exported step {step} to {a.out}")
    if not a.check_list:
        return
    base = os.path.dirname(os.path.dirname(a.check_list))
    rows = [ln.rstrip("\n").split("\t") for ln in open(a.check_list)][: a.check_n]
    paths = [os.path.join(base, p) for p, _ in rows]
    sherpa = [r["text"] for r in decode(a.out, paths, a.node_modules)]
    same = 0
    with torch.no_grad():
        for path, theirs in zip(paths, sherpa):
            x, sr = audio.read_wav(path)
            x = np.concatenate([audio.resample(x, sr), np.zeros(int(TAIL_PAD_S * 16000),
                                                                np.float32)])
            enc = stream_encode(model, torch.from_numpy(audio.fbank(x)))
            ours = sp.decode([i - 1 for i in greedy_decode(joiner, decoder, enc)])
            same += ours == theirs
            if ours != theirs:
                print(f"DIFF {path}: pytorch '{ours}' | sherpa-onnx '{theirs}'")
    print(f"sherpa-onnx == PyTorch on {same}/{len(paths)}")
    sys.exit(0 if same == len(paths) else 1)


if __name__ == "__main__":
    main()
