"""Average train_transducer.py checkpoints: OUT/rnnt.pt (+ bpe.model) from two or more rnnt.pt.

    /usr/bin/python3 training/average_checkpoints.py OUT RUN_A/rnnt.pt RUN_B/rnnt.pt [...]

Every floating-point tensor of the encoder, prediction network and joiner becomes the mean of
the inputs'; everything else (step, optimizer-free metadata, integer buffers) is the last
input's, so --init-from continues from it like from that run. The BPE model is copied from the
last input's folder: all inputs must share one piece inventory (the runs of one chain do).
Used for the shipped transducer (the average of runs 8 and 9; training/README.md).
"""
import argparse
import os
import shutil

import torch

PARTS = ("encoder", "decoder", "joiner")


def average(checkpoints):
    out = dict(checkpoints[-1])
    for part in PARTS:
        last = checkpoints[-1][part]
        for c in checkpoints:
            if c[part].keys() != last.keys():
                raise SystemExit(f"checkpoints differ in their {part} tensors: not one architecture")
        out[part] = {k: (sum(c[part][k].float() for c in checkpoints) / len(checkpoints)).to(v.dtype)
                     if v.is_floating_point() else v for k, v in last.items()}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder for rnnt.pt and bpe.model")
    ap.add_argument("checkpoints", nargs="+", help="rnnt.pt files of one training chain")
    a = ap.parse_args()
    if len(a.checkpoints) < 2:
        raise SystemExit("give two or more checkpoints")
    cks = [torch.load(p, map_location="cpu", weights_only=False) for p in a.checkpoints]
    os.makedirs(a.out, exist_ok=True)
    torch.save(average(cks), os.path.join(a.out, "rnnt.pt"))
    bpe = os.path.join(os.path.dirname(a.checkpoints[-1]), "bpe.model")
    if os.path.exists(bpe):
        shutil.copy(bpe, a.out)
    print("averaged steps", [c.get("step") for c in cks], "->", a.out)


if __name__ == "__main__":
    main()
