"""Export a training checkpoint and check that sherpa-onnx decodes it like PyTorch does.

    /usr/bin/python3 training/export.py --exp /tmp/earshot-exp --out models/earshot-en-small \
        [--check-list /tmp/earshot-data/eval/espeak_heldout.tsv --check-n 40]
    /usr/bin/python3 training/export.py --weights weights.npz --out DIR [...]

--weights takes the weights-only file of train.py --save-weights (e.g. from a lent GPU
machine, training/gpu/run.sh) instead of an experiment folder's ckpt.pt.

The check runs PyTorch in the same streaming loop as sherpa-onnx (windows of window_size
frames from frame 0, advancing by chunk_shift, while a full window plus one frame exists),
on torchaudio fbank features of the WAV plus the same 0.66 s of trailing zeros that
sherpa_decode.cjs appends, and compares the greedy transcripts with sherpa-onnx-node's.
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
from earshot_model import (EarshotCTC, ModelConfig, export_onnx, greedy_ids,  # noqa: E402
                           stream_logprobs, write_tokens)
from evaluate import decode  # noqa: E402
from weights_file import load_weights  # noqa: E402

TAIL_PAD_S = 0.66


def load(exp):
    ck = torch.load(os.path.join(exp, "ckpt.pt"), map_location="cpu")
    model = EarshotCTC(ModelConfig(**ck["cfg"]))
    model.load_state_dict(ck["model"])
    sp = spm.SentencePieceProcessor(model_file=os.path.join(exp, "bpe.model"))
    return model.eval(), sp, ck["step"]


def numeric_check(model, onnx_path, node_modules, n=3, steps=6):
    """Batch of n streams, `steps` windows with caches fed back: ORT vs PyTorch."""
    import json
    import subprocess
    import tempfile
    c = model.cfg
    torch.manual_seed(0)
    wins = [torch.randn(n, c.window_size, c.n_mels) * 3 - 8 for _ in range(steps)]
    ch, tm, ln = model.init_caches(n)
    ref = []
    with torch.no_grad():
        for w in wins:
            lp, ch, tm, ln = model.step(w, ch, tm, ln)
            ref.append(lp)
    shapes = {"audio_signal": [n, c.n_mels, c.window_size],
              "cache_last_channel": [n, c.n_layers, c.cache_len, c.d_model],
              "cache_last_time": [n, c.n_layers, c.d_model, c.conv_kernel - 1]}
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "in.json"), "w") as f:
            json.dump({"n": n, "shapes": shapes,
                       "windows": [w.transpose(1, 2).reshape(-1).tolist() for w in wins]}, f)
        subprocess.run(["node", os.path.join(HERE, "ort_run.cjs"), onnx_path,
                        os.path.join(d, "in.json"), os.path.join(d, "out.json")], check=True,
                       env=dict(os.environ, NODE_PATH=node_modules))
        out = json.load(open(os.path.join(d, "out.json")))
    diff = max(float((torch.tensor(o).view_as(r) - r).abs().max())
               for o, r in zip(out["logprobs"], ref))
    print(f"onnxruntime-node vs PyTorch, {n} streams x {steps} windows: max |dlogprob| = "
          f"{diff:.2e}; inputs {out['input_names']}; outputs {out['output_names']}")


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--exp", help="experiment folder of train.py (ckpt.pt + bpe.model)")
    src.add_argument("--weights", help="weights-only .npz of train.py --save-weights")
    ap.add_argument("--out", required=True)
    ap.add_argument("--check-list", default="")
    ap.add_argument("--check-n", type=int, default=40)
    ap.add_argument("--node-modules", default=os.path.join(HERE, "..", "node_modules"))
    ap.add_argument("--numeric", action="store_true",
                    help="also compare log-probs with onnxruntime-node on random windows")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.weights:
        model, bpe, step = load_weights(a.weights)
        sp = spm.SentencePieceProcessor(model_proto=bpe)
    else:
        model, sp, step = load(a.exp)
    os.makedirs(a.out, exist_ok=True)
    export_onnx(model, os.path.join(a.out, "model.onnx"),
                {"version": f"step{step}", "comment": "Earshot earshot-en-small"})
    write_tokens([sp.id_to_piece(i) for i in range(sp.get_piece_size())],
                 os.path.join(a.out, "tokens.txt"))
    print(f"exported step {step} to {a.out}")
    if a.numeric:
        numeric_check(model, os.path.join(a.out, "model.onnx"), a.node_modules)
    if not a.check_list:
        return
    base = os.path.dirname(os.path.dirname(os.path.abspath(a.check_list)))
    rows = [l.rstrip("\n").split("\t") for l in open(a.check_list)][: a.check_n]
    paths = [os.path.join(base, p) for p, _ in rows]
    sherpa = [r["text"] for r in decode(a.out, paths, a.node_modules)]
    same = 0
    for p, s in zip(paths, sherpa):
        x, sr = audio.read_wav(p)
        x = np.concatenate([audio.resample(x, sr), np.zeros(int(TAIL_PAD_S * 16000), np.float32)])
        with torch.no_grad():
            lp = stream_logprobs(model, torch.from_numpy(audio.fbank(x)))
        t = sp.decode(greedy_ids(lp, model.cfg.vocab_size)).strip()
        same += t == s
        if t != s:
            print(f"DIFF {os.path.basename(p)}\n  torch : {t}\n  sherpa: {s}")
    print(f"sherpa-onnx == PyTorch streaming on {same}/{len(paths)} utterances")


if __name__ == "__main__":
    main()
