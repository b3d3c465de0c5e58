"""Train the streaming conformer-CTC model on features from synth.py.

    nohup /usr/bin/python3 training/train.py --data /tmp/earshot-data --exp /tmp/earshot-exp \
        --budget-min 95 --seed 1234 > /tmp/earshot-train.log 2>&1 &

The learning-rate schedule runs on wall-clock time (--budget-min) so that a run always
finishes annealed within its time budget. Every --export-min minutes it saves a resumable
checkpoint (exp/ckpt.pt) and exports exp/export/{model.onnx,tokens.txt}. Re-running the same
command resumes from exp/ckpt.pt. With --export-min 0 it never exports ONNX (a lent GPU
machine's torch 2.11 would use its dynamo exporter): it saves the checkpoint every
--save-min minutes and at the end, and --save-weights writes the weights-only file
(weights_file.py) that export.py --weights turns into model.onnx on this machine.
"""
import argparse
import dataclasses
import json
import math
import os
import random
import sys
import time

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from earshot_model import (EarshotCTC, ModelConfig, SILENCE_LOGMEL, export_onnx,  # noqa: E402
                           greedy_ids, pad_features, write_tokens)
import audio  # noqa: E402
from weights_file import save_weights  # noqa: E402


def train_bpe(text_file, prefix, vocab_size, seed):
    if not os.path.exists(prefix + ".model"):
        spm.SentencePieceTrainer.train(
            input=text_file, model_prefix=prefix, vocab_size=vocab_size, model_type="unigram",
            character_coverage=1.0, bos_id=-1, eos_id=-1, unk_id=0, seed_sentencepiece_size=200000,
            num_threads=2, minloglevel=2)
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def make_batches(lengths, max_frames, rng, max_len=None, keep=None):
    """Length-sorted buckets so that padded size B * T_max <= max_frames; shuffled.
    With max_len, only utterances of at most max_len frames; with keep (a bool mask), only
    those utterances (both for the curriculum)."""
    order = np.argsort(lengths)
    if max_len:
        order = [i for i in order if lengths[i] <= max_len]
    if keep is not None:
        order = [i for i in order if keep[i]]
    batches, cur = [], []
    for i in order:
        if cur and (len(cur) + 1) * lengths[i] > max_frames:
            batches.append(cur)
            cur = []
        cur.append(int(i))
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def spec_augment(x, rng, mean):
    """In-place freq/time masks on raw log-mel (B, T, F), filled with the global mean."""
    b, t, f = x.shape
    for k in range(b):
        for _ in range(2):
            w = rng.randint(0, 12)
            s = rng.randint(0, f - w)
            x[k, :, s:s + w] = mean[s:s + w]
        for _ in range(max(1, t // 120)):
            w = rng.randint(0, 8)
            s = rng.randint(0, max(1, t - w))
            x[k, s:s + w, :] = mean
    return x


class ShardData:
    """All complete shards (shard_NNN.npy + .json) from synth.py in one or more folders,
    held in memory. items[i] = (feature array index, offset, frames, folder index)."""

    def __init__(self, paths, sp):
        self.paths, self.sp = paths, sp
        self.shards = [0] * len(paths)
        self.feats, self.items, self.targets, self.lengths = [], [], [], np.zeros(0, int)

    def refresh(self):
        for d, path in enumerate(self.paths):
            n = self.shards[d]
            while os.path.exists(os.path.join(path, f"shard_{n:03d}.json")):
                p = os.path.join(path, f"shard_{n:03d}")
                self.feats.append(np.load(p + ".npy"))
                for e in json.load(open(p + ".json")):
                    self.items.append((len(self.feats) - 1, e["offset"], e["frames"], d))
                    self.targets.append(self.sp.encode(e["text"]))
                n += 1
            self.shards[d] = n
        self.lengths = np.array([it[2] for it in self.items])
        print(f"data: {self.shards} shards, {len(self.items)} utts, "
              f"{self.lengths.sum() / 360000:.2f} h", flush=True)

    def collate(self, ids, chunk):
        lens = [self.items[i][2] for i in ids]
        tmax = pad_features(torch.zeros(max(lens), 1), chunk).shape[0]
        x = torch.full((len(ids), tmax, 80), SILENCE_LOGMEL)
        for k, i in enumerate(ids):
            s, o, n, _ = self.items[i]
            x[k, :n] = torch.from_numpy(self.feats[s][o:o + n].astype(np.float32))
        return x, torch.tensor(lens)


def load_eval(data, name, n):
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(data, "eval", name + ".tsv"))]
    return [(os.path.join(data, p), t) for p, t in rows[:n]]


def wer(refs, hyps):
    err = tot = 0
    for r, h in zip(refs, hyps):
        r, h = r.split(), h.split()
        d = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            prev, d[0] = d[0], i
            for j in range(1, len(h) + 1):
                cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
                prev, d[j] = d[j], cur
        err += d[len(h)]
        tot += len(r)
    return err / max(1, tot)


def quick_eval(model, sp, dev):
    model.eval()
    hyps = []
    dev_ = model.feat_mean.device
    with torch.no_grad():
        for path, _ in dev:
            x, sr = audio.read_wav(path)
            f = torch.from_numpy(audio.fbank(audio.resample(x, sr)))
            n = f.shape[0]
            lp, _ = model(pad_features(f, model.cfg.chunk).unsqueeze(0).to(dev_),
                          torch.tensor([n], device=dev_))
            hyps.append(sp.decode(greedy_ids(lp[0].cpu(), model.cfg.vocab_size)))
    model.train()
    return wer([t for _, t in dev], hyps), hyps


def export(model, sp, exp, step):
    d = os.path.join(exp, "export")
    os.makedirs(d, exist_ok=True)
    export_onnx(model, os.path.join(d, "model.onnx"),
                {"version": f"step{step}", "comment": "Earshot earshot-en-small"})
    write_tokens([sp.id_to_piece(i) for i in range(sp.get_piece_size())],
                 os.path.join(d, "tokens.txt"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/earshot-data",
                    help="synth.py output folder(s), comma-separated; the first one gives the "
                         "BPE text, the normalization statistics and the dev set")
    ap.add_argument("--exp", default="/tmp/earshot-exp")
    ap.add_argument("--budget-min", type=float, default=95)
    ap.add_argument("--export-min", type=float, default=12,
                    help="minutes between checkpoint + ONNX export; 0: never export ONNX")
    ap.add_argument("--save-min", type=float, default=0,
                    help="with --export-min 0: minutes between checkpoints (0: at the end only)")
    ap.add_argument("--save-weights", default="",
                    help="also write this weights-only .npz (weights_file.py) with each checkpoint")
    ap.add_argument("--weights-dtype", choices=["auto", "fp32", "fp16"], default="auto")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--amp", action="store_true", help="bf16 autocast (cuda only)")
    ap.add_argument("--max-frames", type=int, default=14000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--d-model", type=int, default=176)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--sub-channels", type=int, default=32)
    ap.add_argument("--encoder", choices=["conformer", "gru"], default="conformer")
    ap.add_argument("--lookahead-layers", type=int, default=0,
                    help="GRU encoder: in-chunk attention blocks on top (future frames of the "
                         "same chunk, no added latency); they start as identities")
    ap.add_argument("--ff-mult", type=int, default=4)
    ap.add_argument("--conv-kernel", type=int, default=15)
    ap.add_argument("--vocab", type=int, default=256)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--specaug", type=int, default=1, help="0 disables SpecAugment")
    ap.add_argument("--curriculum-steps", type=int, default=0,
                    help="first N steps (after a resume: N more) on short utterances only")
    ap.add_argument("--curriculum-frames", type=int, default=250,
                    help="longest utterance during the curriculum (0: no length limit)")
    ap.add_argument("--curriculum-folders", type=int, default=0,
                    help="during the curriculum use only the first N --data folders (e.g. a "
                         "cleaner set first; 0: all)")
    ap.add_argument("--uniform-ce-steps", type=int, default=0,
                    help="first N steps (after a resume: N more) train frame-wise cross-entropy "
                         "against tokens spread evenly over each utterance (a flat start, for "
                         "unpadded data), then CTC")
    ap.add_argument("--init-from", default="",
                    help="checkpoint whose weights (except the CTC head) start a new run")
    ap.add_argument("--head-only-steps", type=int, default=0,
                    help="first N steps (of a run or a --reset-opt cycle) train the CTC head "
                         "alone on the frozen encoder, e.g. after --init-from with a new vocab")
    ap.add_argument("--reset-opt", action="store_true",
                    help="on resume: fresh optimizer state and a new warmup (e.g. new --lr)")
    a = ap.parse_args()
    if a.device == "cpu":
        torch.set_num_threads(2)
    elif not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA device visible to torch")
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    device = torch.device(a.device)
    amp = a.amp and a.device == "cuda"
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    os.makedirs(a.exp, exist_ok=True)

    folders = a.data.split(",")
    sp = train_bpe(os.path.join(folders[0], "train_text.txt"), os.path.join(a.exp, "bpe"),
                   a.vocab, a.seed)
    data = ShardData(folders, sp)
    data.refresh()
    feats = data.feats[0]

    cfg = ModelConfig(vocab_size=sp.get_piece_size(), d_model=a.d_model, n_layers=a.layers,
                      sub_channels=a.sub_channels, dropout=a.dropout, encoder=a.encoder,
                      ff_mult=a.ff_mult, conv_kernel=a.conv_kernel,
                      lookahead_layers=a.lookahead_layers)
    model = EarshotCTC(cfg)
    sample = feats[:: max(1, len(feats) // 200000)].astype(np.float32)
    model.feat_mean.copy_(torch.from_numpy(sample.mean(0)))
    model.feat_std.copy_(torch.from_numpy(sample.std(0) + 1e-3))
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=1e-3)
    print(f"params {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M; "
          f"{dataclasses.asdict(cfg)}", flush=True)

    if a.init_from and not os.path.exists(os.path.join(a.exp, "ckpt.pt")):
        init_model(model, a.init_from, device)
    ckpt_path = os.path.join(a.exp, "ckpt.pt")
    step, elapsed, epoch = 0, 0.0, 0
    warm_from = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(ck["model"])
        if not a.reset_opt:
            opt.load_state_dict(ck["opt"])
        step, elapsed, epoch = ck["step"], ck["elapsed"], ck["epoch"]
        rng.setstate(ck["rng"])
        warm_from = step if a.reset_opt else 0
        print(f"resumed at step {step}, {elapsed / 60:.1f} min", flush=True)

    dev = load_eval(folders[0], "espeak_heldout", 300)[::10]  # 30 utts, monitoring only
    budget = a.budget_min * 60
    mean = model.feat_mean.clone().cpu()
    t_start = time.time() - elapsed
    last_export = time.time()
    period = a.export_min if a.export_min > 0 else a.save_min

    def checkpoint():
        save(model, opt, step, time.time() - t_start, epoch, rng, ckpt_path)
        if a.save_weights:
            dt = save_weights(model, os.path.join(a.exp, "bpe.model"), a.save_weights, step,
                              a.weights_dtype)
            print(f"step {step}: weights ({dt}) -> {a.save_weights}", flush=True)
        if a.export_min > 0:
            export(model, sp, a.exp, step)
    done = False
    while not done:
        data.refresh()  # picks up shards that synth.py finished meanwhile
        in_curriculum = step < warm_from + a.curriculum_steps
        keep = None
        if in_curriculum and a.curriculum_folders:
            keep = np.array([it[3] < a.curriculum_folders for it in data.items])
        batches = make_batches(data.lengths, a.max_frames, rng,
                               a.curriculum_frames if in_curriculum else None, keep)
        for bi, ids in enumerate(batches):
            if in_curriculum and step >= warm_from + a.curriculum_steps:
                break  # curriculum over: rebuild batches from all utterances
            progress = (time.time() - t_start) / budget
            if progress >= 1:
                done = True
                break
            lr = a.lr * min(1.0, (step - warm_from + 1) / a.warmup) * \
                (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))
            for g in opt.param_groups:
                g["lr"] = lr
            x, xl = data.collate(ids, cfg.chunk)
            if a.specaug:
                x = spec_augment(x, rng, mean)
            ys = [data.targets[i] for i in ids]
            x, xl = x.to(device, non_blocking=True), xl.to(device)
            with torch.autocast(device_type=a.device, dtype=torch.bfloat16, enabled=amp):
                # A new head on a trained encoder fits alone first, so that its random start
                # sends no noise back into the encoder (and steps are ~3x faster).
                lp, ol = model(x, xl, encoder_grad=step >= warm_from + a.head_only_steps)
            lp = lp.float()
            if step < warm_from + a.uniform_ce_steps:
                loss = uniform_ce(lp, ol, ys)
            else:
                loss = F.ctc_loss(lp.transpose(0, 1),
                                  torch.tensor(sum(ys, []), device=device), ol,
                                  torch.tensor([len(y) for y in ys], device=device),
                                  blank=cfg.vocab_size, zero_infinity=True)
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            if step % 50 == 0:
                print(f"ep {epoch} {bi}/{len(batches)} step {step} loss {loss.item():.3f} "
                      f"gn {gn:.2f} lr {lr:.2e} {(time.time() - t_start) / 60:.1f} min",
                      flush=True)
            if period > 0 and time.time() - last_export > period * 60:
                last_export = time.time()
                checkpoint()
                w, hyps = quick_eval(model, sp, dev)
                print(f"step {step}: dev WER {w:.3f}  e.g. '{hyps[0]}' | '{dev[0][1]}'",
                      flush=True)
        else:
            epoch += 1
    checkpoint()
    w, _ = quick_eval(model, sp, dev)
    print(f"final step {step}: dev WER {w:.3f}; done", flush=True)


def init_model(model, path, device):
    """Weights from a checkpoint of another run: all that fit. A head of another vocabulary
    starts fresh (see --head-only-steps); GRU layers the checkpoint lacks (a deeper model) start
    as identities, so the grown model begins exactly where the checkpoint was."""
    own = model.state_dict()
    sd = torch.load(path, map_location=device, weights_only=False)["model"]
    sd = {k: v for k, v in sd.items() if k in own and own[k].shape == v.shape}
    result = model.load_state_dict(sd, strict=False)
    grown = sorted({int(k.split(".")[1]) for k in result.missing_keys if k.startswith("layers.")})
    for i in grown:
        if not hasattr(model.layers[i], "make_identity"):
            sys.exit(f"--init-from: layer {i} is missing from {path} and is not a GRU layer")
        model.layers[i].make_identity()
    print(f"init from {path}: fresh {[k for k in result.missing_keys if not k.startswith('layers.')]}, "
          f"identity layers {grown}", flush=True)


def uniform_ce(lp, ol, ys):
    """Frame-wise NLL with the tokens of each utterance spread evenly over its output frames."""
    tgt = torch.full(lp.shape[:2], -100, dtype=torch.long, device=lp.device)
    for k, y in enumerate(ys):
        n = int(ol[k])
        if n and y:
            tgt[k, :n] = torch.tensor(y, device=lp.device)[
                (torch.arange(n, device=lp.device) * len(y)) // n]
    return F.nll_loss(lp.reshape(-1, lp.shape[-1]), tgt.reshape(-1), ignore_index=-100)


def save(model, opt, step, elapsed, epoch, rng, path):
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                "elapsed": elapsed, "epoch": epoch, "rng": rng.getstate(),
                "cfg": dataclasses.asdict(model.cfg)}, path + ".tmp")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
