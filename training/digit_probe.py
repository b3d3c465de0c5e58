"""Quick check that a data set / model leaves the CTC blank plateau: a few hundred steps of
character CTC on the single spoken digits of synth.py shards, scored by greedy exact match on
held-back digits. A few minutes on 2 cores; use it before committing hours to train.py.

    /usr/bin/python3 training/digit_probe.py --data /tmp/earshot-plain --model conformer

Measured 2026-11-27 (2 cores, 300 steps of 24 utterances, lr 1.5e-3): the conformer on
--no-augment shards reached 50% at step 150; a 2-layer GRU on the same data left the plateau
at ~step 225; the same GRU on the default (augmented) shards was still at 0-6% at step 675.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from earshot_model import (SILENCE_LOGMEL, EarshotCTC, ModelConfig, Subsampling,  # noqa: E402
                           greedy_ids, pad_features, subsampled_length)

CHARS = sorted(set("abcdefghijklmnopqrstuvwxyz' "))


class GruCTC(nn.Module):
    """Same subsampling as the shipped model, then a 2-layer GRU: a non-attention baseline."""

    def __init__(self, cfg):
        super().__init__()
        self.sub = Subsampling(cfg)
        self.rnn = nn.GRU(cfg.d_model, cfg.d_model, 2, batch_first=True)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size + 1)
        self.register_buffer("feat_mean", torch.zeros(cfg.n_mels))
        self.register_buffer("feat_std", torch.ones(cfg.n_mels))

    def forward(self, x, lens):
        h, _ = self.rnn(self.sub((x - self.feat_mean) / self.feat_std))
        return self.head(h).log_softmax(-1), subsampled_length(lens)


def load_digits(data, shards):
    items = []
    for n in range(shards):
        p = os.path.join(data, f"shard_{n:03d}")
        if not os.path.exists(p + ".json"):
            break
        feats = np.load(p + ".npy", mmap_mode="r")
        for e in json.load(open(p + ".json")):
            if e["src"] == "fsdd" and " " not in e["text"]:
                x = np.asarray(feats[e["offset"]:e["offset"] + e["frames"]], dtype=np.float32)
                items.append((x, e["text"]))
    return items


def batch(items, chunk):
    lens = [x.shape[0] for x, _ in items]
    x = torch.full((len(items), pad_features(torch.zeros(max(lens), 1), chunk).shape[0], 80),
                   SILENCE_LOGMEL)
    for k, (f, _) in enumerate(items):
        x[k, :f.shape[0]] = torch.from_numpy(f)
    return x, torch.tensor(lens)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/earshot-data")
    ap.add_argument("--shards", type=int, default=3)
    ap.add_argument("--model", choices=["conformer", "gru"], default="conformer")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    items = load_digits(a.data, a.shards)
    rng.shuffle(items)
    test, train = items[:100], items[100:]
    print(f"{len(items)} single-digit utterances", flush=True)
    cfg = ModelConfig(vocab_size=len(CHARS), d_model=144, n_layers=6, sub_channels=32,
                      dropout=0.05)
    model = EarshotCTC(cfg) if a.model == "conformer" else GruCTC(cfg)
    sample = np.concatenate([x for x, _ in train[:300]])
    model.feat_mean.copy_(torch.from_numpy(sample.mean(0)))
    model.feat_std.copy_(torch.from_numpy(sample.std(0) + 1e-3))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=1e-3)
    t0 = time.time()
    for step in range(1, a.steps + 1):
        b = rng.sample(train, a.batch)
        x, lens = batch(b, cfg.chunk)
        ys = [[CHARS.index(c) for c in t] for _, t in b]
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, step / 50)
        lp, ol = model(x, lens)
        loss = F.ctc_loss(lp.transpose(0, 1), torch.tensor(sum(ys, [])), ol,
                          torch.tensor([len(y) for y in ys]), blank=len(CHARS),
                          zero_infinity=True)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if step % 25 == 0:
            model.eval()
            with torch.no_grad():
                x, lens = batch(test, cfg.chunk)
                lp, ol = model(x, lens)
                right = sum("".join(CHARS[i] for i in greedy_ids(lp[k, :ol[k]], len(CHARS))) == t
                            for k, (_, t) in enumerate(test))
            model.train()
            print(f"step {step} loss {loss.item():.3f} exact {right}/{len(test)} "
                  f"{time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
