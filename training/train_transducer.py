"""Train a transducer (prediction network + joiner) on the shipped GRU encoder.

    nohup /usr/bin/python3 training/train_transducer.py \
        --data /tmp/earshot-plain,/tmp/earshot-data,/tmp/earshot-level \
        --ctc-onnx models/earshot-en-small/model.onnx --exp /tmp/earshot-rnnt \
        --budget-min 60 --seed 1234 > /tmp/earshot-rnnt.log 2>&1 &

The encoder is read back from the shipped model.onnx (onnx_import.py) and stays frozen; the
joiner starts as its CTC head (transducer.py), so step 0 is the CTC model. Phase 1
(--lm-steps) trains the prediction network alone as a piece LM on the training transcripts
(seconds); phase 2 trains prediction network + joiner with the RNN-T loss
(torchaudio.functional.rnnt_loss) on a wall-clock cosine schedule (--budget-min), like
train.py. The BPE model is trained exactly as train.py does on the first --data folder, so
its pieces equal the shipped tokens.txt (checked). Every --export-min minutes: ckpt.pt and a
dev WER (greedy, max one symbol per frame, as sherpa-onnx decodes); at the end the model is
exported with export_transducer to exp/export/.

--init-from starts a second run from a first run's rnnt.pt (fresh optimizer and warmup, its own
cosine); with --encoder-lr-scale > 0 the encoder trains too (its weights are then saved in
rnnt.pt, and export_transducer.py takes them from there instead of --ctc-onnx).

On a lent GPU (training/gpu/run.sh, EARSHOT_GPU_TRANSDUCER=1): --device cuda, --init-from a
transducer weights file (.npz, weights_file.py: no pickle, no onnx package needed; its BPE
model is used), --save-weights writes one every --save-min minutes, --no-export (torch 2.11
exports with dynamo there); export_transducer.py --weights exports it here.
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audio  # noqa: E402
from earshot_model import pad_features  # noqa: E402
from train import ShardData, load_eval, make_batches, spec_augment, train_bpe, wer  # noqa: E402
from transducer import (Joiner, StatelessDecoder, contexts, export_transducer,  # noqa: E402
                        greedy_decode, one_symbol_rnnt_loss, write_tokens)
from weights_file import load_transducer_weights, save_transducer_weights  # noqa: E402


def pad_targets(ys, device="cpu"):
    u = max(1, max(len(y) for y in ys))
    t = torch.zeros(len(ys), u, dtype=torch.int64)
    for k, y in enumerate(ys):
        t[k, :len(y)] = torch.tensor(y, dtype=torch.int64) + 1  # piece i -> transducer id i+1
    return t.to(device), torch.tensor([len(y) for y in ys], dtype=torch.int32, device=device)


DIGITS = frozenset("zero oh one two three four five six seven eight nine".split())


def is_digit_string(text):
    return all(w in DIGITS for w in text.split())


def lm_pretrain(decoder, targets, steps, context, rng, lr):
    """The prediction network alone as a piece LM (a temporary linear head on its hidden
    layer): next-piece cross-entropy over the transcripts' contexts."""
    device = decoder.emb.weight.device
    head = torch.nn.Linear(decoder.l2.out_features, decoder.emb.num_embeddings).to(device)
    opt = torch.optim.AdamW(list(decoder.parameters()) + list(head.parameters()), lr=lr)
    for step in range(steps):
        ys = [targets[rng.randrange(len(targets))] for _ in range(64)]
        t, n = pad_targets(ys, device)
        ctx = contexts(t, context)[:, :-1]  # context before each target piece
        mask = torch.arange(t.shape[1], device=device)[None] < n[:, None].long()
        logits = head(decoder.hidden(ctx))
        loss = F.cross_entropy(logits[mask], t[mask])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 500 == 0:
            print(f"lm step {step + 1}: piece perplexity {math.exp(loss.item()):.2f}", flush=True)


def dev_wer(model, decoder, joiner, sp, dev):
    if not dev:
        return float("nan"), [""]
    device = model.feat_mean.device
    was_training = model.training
    model.eval()
    decoder.eval()
    joiner.eval()
    hyps = []
    with torch.no_grad():
        for path, _ in dev:
            x, sr = audio.read_wav(path)
            f = torch.from_numpy(audio.fbank(audio.resample(x, sr))).to(device)
            enc = model.encode(pad_features(f, model.cfg.chunk).unsqueeze(0))[0]
            hyps.append(sp.decode([i - 1 for i in greedy_decode(joiner, decoder, enc)]))
    model.train(was_training)
    decoder.train()
    joiner.train()
    return wer([t for _, t in dev], hyps), hyps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="comma-separated synth.py folders")
    ap.add_argument("--ctc-onnx", default="models/earshot-en-small/model.onnx")
    ap.add_argument("--exp", default="/tmp/earshot-rnnt")
    ap.add_argument("--budget-min", type=float, default=60)
    ap.add_argument("--export-min", type=float, default=15,
                    help="minutes between checkpoints with a dev WER (0: only at the end)")
    ap.add_argument("--save-min", type=float, default=0,
                    help="minutes between --save-weights files when --export-min is 0")
    ap.add_argument("--save-weights", default="",
                    help="also write this transducer weights file (.npz) with each checkpoint")
    ap.add_argument("--no-export", action="store_true", help="no ONNX export at the end")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--max-frames", type=int, default=12000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--context", type=int, default=8, help="prediction network context, pieces")
    ap.add_argument("--joiner-dim", type=int, default=256)
    ap.add_argument("--lm-steps", type=int, default=1000)
    ap.add_argument("--specaug", type=int, default=1)
    ap.add_argument("--dev-n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--init-from", default="",
                    help="start a new run from another run's rnnt.pt (no LM phase, fresh warmup)")
    ap.add_argument("--loss", choices=["one-symbol", "standard"], default="one-symbol",
                    help="one-symbol: every frame emits one symbol, as sherpa-onnx decodes; "
                         "standard: torchaudio's rnnt_loss")
    ap.add_argument("--encoder-lr-scale", type=float, default=0,
                    help="0: the encoder stays frozen; else it trains too, at lr times this")
    ap.add_argument("--digit-keep", type=float, default=1.0,
                    help="share of digit-only utterances kept per epoch (they are 20-33%% of the "
                         "frames and easy; the rest of the compute goes to sentences)")
    a = ap.parse_args()
    if a.device == "cpu":
        torch.set_num_threads(2)
    elif not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA device visible to torch")
    device = torch.device(a.device)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    os.makedirs(a.exp, exist_ok=True)

    folders = a.data.split(",")
    npz_init = a.init_from.endswith(".npz")
    if npz_init:  # a weights file: encoder + decoder + joiner + the BPE model
        model, decoder, joiner, bpe, init_step = load_transducer_weights(a.init_from)
        if not os.path.exists(os.path.join(a.exp, "bpe.model")):
            with open(os.path.join(a.exp, "bpe.model"), "wb") as f:
                f.write(bpe)
    else:  # the shipped CTC model; the joiner starts as its head
        from onnx_import import load_ctc_onnx  # needs the onnx package (not on a GPU machine)

        model = load_ctc_onnx(a.ctc_onnx)
        vocab = model.cfg.vocab_size + 1
        decoder = StatelessDecoder(vocab, a.context, a.joiner_dim)
        joiner = Joiner(model.cfg.d_model, a.joiner_dim, vocab)
        joiner.init_from_ctc_head(model.head)
    sp = train_bpe(os.path.join(folders[0], "train_text.txt"), os.path.join(a.exp, "bpe"), 64,
                   a.seed)
    ctc_tokens = os.path.join(os.path.dirname(a.ctc_onnx), "tokens.txt")
    shipped = [ln.rsplit(" ", 1)[0] for ln in open(ctc_tokens, encoding="utf-8").read().splitlines()]
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    if shipped[:-1] != pieces:
        sys.exit(f"BPE pieces differ from {ctc_tokens}: train the BPE on the same first folder")

    train_encoder = a.encoder_lr_scale > 0
    for p in model.parameters():
        p.requires_grad_(train_encoder)
    model.head.requires_grad_(False)  # the joiner has its own copy
    model.to(device)
    decoder.to(device).train()
    joiner.to(device).train()
    params = list(decoder.parameters()) + list(joiner.parameters())
    enc_params = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable {sum(p.numel() for p in params + enc_params) / 1e6:.2f} M params",
          flush=True)

    data = ShardData(folders, sp)
    data.refresh()
    # 30 held-out utterances, monitoring only, from the first folder that has them.
    evals = [f for f in folders if os.path.exists(os.path.join(f, "eval", "espeak_heldout.tsv"))]
    dev = load_eval(evals[0], "espeak_heldout", 300)[::max(1, 300 // a.dev_n)] if evals else []
    ckpt_path = os.path.join(a.exp, "rnnt.pt")
    step, elapsed = 0, 0.0
    # rnnt.pt keeps the encoder unless it is still --ctc-onnx's, unchanged.
    save_encoder = train_encoder or npz_init
    groups = [{"params": params, "scale": 1.0}]
    if train_encoder:
        groups.append({"params": enc_params, "scale": a.encoder_lr_scale})
    opt = torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.98), weight_decay=1e-3)
    resume = os.path.exists(ckpt_path)
    if npz_init and not resume:
        print(f"init from {a.init_from} at step {init_step}", flush=True)
    elif resume or a.init_from:
        ck = torch.load(ckpt_path if resume else a.init_from, map_location=device,
                                  weights_only=False)
        decoder.load_state_dict(ck["decoder"])
        joiner.load_state_dict(ck["joiner"])
        if "encoder" in ck:
            model.load_state_dict(ck["encoder"])
            save_encoder = True
        if resume:
            step, elapsed = ck["step"], ck["elapsed"]
            if "opt" in ck:
                opt.load_state_dict(ck["opt"])
        print(f"{'resumed' if resume else 'init from ' + a.init_from} at step {ck['step']}, "
              f"{ck['elapsed'] / 60:.1f} min", flush=True)
    else:
        w, hyps = dev_wer(model, decoder, joiner, sp, dev)
        print(f"step 0 (= the CTC head): dev WER {w:.3f} e.g. '{hyps[0]}'", flush=True)
        lm_pretrain(decoder, data.targets, a.lm_steps, a.context, rng, 2e-3)

    mean = model.feat_mean.clone().cpu()
    budget = a.budget_min * 60
    t_start = time.time() - elapsed
    last = time.time()
    period = a.export_min if a.export_min > 0 else a.save_min  # as in train.py

    def save():
        ck = {"decoder": decoder.state_dict(), "joiner": joiner.state_dict(), "step": step,
              "elapsed": time.time() - t_start, "context": decoder.context,
              "joiner_dim": decoder.out.out_features, "opt": opt.state_dict()}
        if save_encoder:
            ck["encoder"] = model.state_dict()
        torch.save(ck, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        if a.save_weights:
            dt = save_transducer_weights(model, decoder, joiner, os.path.join(a.exp, "bpe.model"),
                                         a.save_weights, step)
            print(f"step {step}: weights ({dt}) -> {a.save_weights}", flush=True)

    done = False
    while not done:
        data.refresh()  # picks up shards that synth.py finished meanwhile
        keep = None
        if a.digit_keep < 1:
            keep = [not is_digit_string(sp.decode(y)) or rng.random() < a.digit_keep
                    for y in data.targets]
        for ids in make_batches(data.lengths, a.max_frames, rng, keep=keep):
            progress = (time.time() - t_start) / budget
            if progress >= 1:
                done = True
                break
            lr = a.lr * min(1.0, (step + 1) / a.warmup) * \
                (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))
            for g in opt.param_groups:
                g["lr"] = lr * g["scale"]
            x, xl = data.collate(ids, model.cfg.chunk)
            if a.specaug:
                x = spec_augment(x, rng, mean)
            x, xl = x.to(device, non_blocking=True), xl.to(device)
            with torch.set_grad_enabled(train_encoder):
                enc = model.encode(x)
            el = torch.clamp(((xl - 3) // 2 + 1 - 3) // 2 + 1, min=1).to(torch.int32)
            enc = enc[:, :int(el.max())]  # rnnt_loss wants T == max(lengths)
            ys = [data.targets[i] for i in ids]
            tgt, tl = pad_targets(ys, device)
            dec = decoder(contexts(tgt, a.context))  # (B, U+1, J)
            logits = joiner(enc.unsqueeze(2), dec.unsqueeze(1))  # (B, T, U+1, V)
            if a.loss == "standard":
                import torchaudio  # only this loss needs it

                loss = torchaudio.functional.rnnt_loss(
                    logits, tgt.to(torch.int32), el, tl, blank=0, reduction="sum") / tl.sum()
            else:
                per_utt = one_symbol_rnnt_loss(logits, tgt, el, tl)
                ok = torch.isfinite(per_utt)  # T < U: no one-symbol alignment; skipped
                loss = per_utt[ok].sum() / tl[ok].sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(params + enc_params, 5.0)
            opt.step()
            step += 1
            if step % 50 == 0:
                print(f"step {step} loss/token {loss.item():.3f} gn {gn:.2f} lr {lr:.2e} "
                      f"{(time.time() - t_start) / 60:.1f} min", flush=True)
            if period > 0 and time.time() - last > period * 60:
                last = time.time()
                save()
                if a.export_min > 0:
                    w, hyps = dev_wer(model, decoder, joiner, sp, dev)
                    print(f"step {step}: dev WER {w:.3f} e.g. '{hyps[0]}' | "
                          f"'{dev[0][1] if dev else ''}'", flush=True)
    save()
    w, _ = dev_wer(model, decoder, joiner, sp, dev)
    print(f"final step {step}: dev WER {w:.3f}", flush=True)
    if a.no_export:
        return
    out = os.path.join(a.exp, "export")
    export_transducer(model, decoder, joiner, out, f"rnnt-step{step}")
    write_tokens(pieces, os.path.join(out, "tokens.txt"))
    print(f"exported to {out}; done", flush=True)


if __name__ == "__main__":
    main()
