"""How much would a language model lower a CTC checkpoint's WER? A measurement, not a decoder
the engine ships: a SentencePiece-piece n-gram LM (Witten-Bell interpolation) fused into CTC
prefix beam search, against greedy decoding, on the held-out espeak-ng set.

    /usr/bin/python3 training/lm_probe.py --exp /tmp/earshot-exp13 --data /tmp/earshot-data \
        --work /tmp/earshot-lmprobe --orders 4,6,8

No test sentence is seen while fitting: the LM is trained on the training text
(DATA/train_text.txt, which excludes the held-out sentences) minus 150 training sentences that
become a dev set, spoken by the held-out espeak-ng voices; the LM weight alpha and the per-piece
bonus beta are picked on that dev set, then applied once to the held-out set. It also writes
200 single training words in those voices (eval/lmwords.tsv; eval/lmdev_all.tsv has both) for
choosing the bonus with Earshot's engine (npm run bench:decoding --lm/--scale/--bonus): one-word
utterances are where too large a bonus inserts pieces.
"""
import argparse
import collections
import functools
import itertools
import math
import os
import random
import sys

import numpy as np
import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import audio  # noqa: E402
from earshot_model import EarshotCTC, ModelConfig, greedy_ids, pad_features  # noqa: E402
from synth import HELDOUT_ESPEAK  # noqa: E402
import textgen  # noqa: E402
from textgen import DIGITS  # noqa: E402
from train import load_eval, wer  # noqa: E402

DEV_SIZE = 150


def make_dev(data, work, seed):
    """150 training sentences (4+ words, not digit strings) in the held-out voices, and the LM text
    without them."""
    lines = sorted({l.strip() for l in open(os.path.join(data, "train_text.txt")) if l.strip()})
    sents = [l for l in lines if len(l.split()) >= 4 and not set(l.split()) <= set(DIGITS) | {"oh"}]
    random.Random(seed).shuffle(sents)
    dev = sents[:DEV_SIZE]
    wav_dir = os.path.join(work, "eval", "lmdev")
    os.makedirs(wav_dir, exist_ok=True)
    rows = []
    for k, text in enumerate(dev):
        path = os.path.join(wav_dir, f"dev_{k:03d}.wav")
        if not os.path.exists(path):
            audio.write_wav(path, audio.tts("espeak", HELDOUT_ESPEAK[k % len(HELDOUT_ESPEAK)], text))
        rows.append(f"{os.path.relpath(path, work)}\t{text}")
    with open(os.path.join(work, "eval", "lmdev.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    held = set(dev)
    return [l for l in lines if l not in held]


WORD_DEV_SIZE = 200


def make_word_dev(data, work, seed):
    """200 single training words in the held-out voices (half of them digit words): a dev set for
    the per-piece bonus, which sentences alone would push up until one-word utterances get extra
    pieces. Also writes lmdev_all.tsv (sentences + words) for npm run bench:decoding."""
    lines = [l.strip() for l in open(os.path.join(data, "train_text.txt")) if l.strip()]
    words = sorted({w for l in lines for w in l.split() if w.isalpha() and len(w) >= 3})
    rng = random.Random(seed)
    picks = [rng.choice(DIGITS + ["oh"]) for _ in range(WORD_DEV_SIZE // 2)] + rng.sample(words, WORD_DEV_SIZE // 2)
    wav_dir = os.path.join(work, "eval", "lmwords")
    os.makedirs(wav_dir, exist_ok=True)
    rows = []
    for k, word in enumerate(picks):
        path = os.path.join(wav_dir, f"word_{k:03d}.wav")
        if not os.path.exists(path):
            audio.write_wav(path, audio.tts("espeak", HELDOUT_ESPEAK[k % len(HELDOUT_ESPEAK)], word))
        rows.append(f"{os.path.relpath(path, work)}\t{word}")
    with open(os.path.join(work, "eval", "lmwords.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(work, "eval", "lmdev.tsv")) as f:
        sentences = f.read()
    with open(os.path.join(work, "eval", "lmdev_all.tsv"), "w") as f:
        f.write(sentences + "\n".join(rows) + "\n")


class PieceNgram:
    """Interpolated Witten-Bell n-gram over piece ids, with sentence start and end symbols (<s>
    is a history only, as in ARPA files). Unseen pieces back off to a uniform distribution."""

    def __init__(self, sentences, order, vocab):
        self.order, self.vocab = order, vocab
        self.bos, self.eos = vocab, vocab + 1
        self.counts = collections.Counter()  # (h..., w) -> count, every order
        self.ctx = collections.Counter()     # h -> sum of counts after it
        self.types = collections.Counter()   # h -> distinct words after it
        for ids in sentences:
            s = [self.bos] + ids + [self.eos]
            for i in range(1, len(s)):
                for n in range(1, min(order, i + 1) + 1):
                    g = tuple(s[i - n + 1:i + 1])
                    if g not in self.counts:
                        self.types[g[:-1]] += 1
                    self.counts[g] += 1
                    self.ctx[g[:-1]] += 1
        self.logp = functools.lru_cache(maxsize=4_000_000)(self._logp)

    def history(self, prefix):
        return tuple(([self.bos] + list(prefix))[-(self.order - 1):])

    def _logp(self, h, w):
        p = 1.0 / (self.vocab + 1)  # the pieces and </s>
        for n in range(1, len(h) + 2):
            hh = h[len(h) - (n - 1):] if n > 1 else ()
            c = self.ctx.get(hh, 0)
            if c == 0:
                break
            t = self.types[hh]
            p = (self.counts.get(hh + (w,), 0) + t * p) / (c + t)
        return math.log(p)

    def write_arpa(self, path, names):
        """The same model as an ARPA back-off file (log10): every seen n-gram with its
        interpolated probability, every seen context with back-off weight t / (c + t), which is
        exactly the share Witten-Bell gives the lower order. names: piece id -> string."""
        sym = lambda i: "<s>" if i == self.bos else "</s>" if i == self.eos else names[i]
        by_order = collections.defaultdict(list)
        for g in self.counts:
            by_order[len(g)].append(g)
        # Every piece and </s> is a unigram (unseen ones keep their uniform share); <s> too,
        # as a history only.
        by_order[1] = [(i,) for i in range(self.vocab)] + [(self.eos,), (self.bos,)]
        log10 = lambda x: x / math.log(10)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\\data\\\n")
            for n in range(1, self.order + 1):
                f.write(f"ngram {n}={len(by_order[n])}\n")
            for n in range(1, self.order + 1):
                f.write(f"\n\\{n}-grams:\n")
                for g in sorted(by_order[n]):
                    lp = -99.0 if g == (self.bos,) else log10(self.logp(g[:-1], g[-1]))
                    line = f"{lp:.6f}\t{' '.join(sym(i) for i in g)}"
                    c = self.ctx.get(g, 0)
                    if n < self.order and c > 0:
                        line += f"\t{math.log10(self.types[g] / (c + self.types[g])):.6f}"
                    f.write(line + "\n")
            f.write("\n\\end\\\n")
        return {n: len(by_order[n]) for n in sorted(by_order)}


def prefix_beam_search(lp, blank, lm, alpha, beta, beam=8, prune=-8.0):
    """CTC prefix beam search; every emitted piece adds alpha * log P_lm + beta."""
    neg = -1e30
    beams = {(): (0.0, neg, 0.0)}  # prefix -> (log p ending in blank, in non-blank, LM score)
    for row in lp:
        cands = [int(c) for c in np.nonzero(row > prune)[0] if c != blank]
        nxt = collections.defaultdict(lambda: [neg, neg, 0.0])
        for pre, (pb, pnb, score) in beams.items():
            total = np.logaddexp(pb, pnb)
            same = nxt[pre]
            same[2] = score
            same[0] = np.logaddexp(same[0], total + row[blank])
            if pre:
                same[1] = np.logaddexp(same[1], pnb + row[pre[-1]])
            h = lm.history(pre)
            for c in cands:
                bonus = alpha * lm.logp(h, c) + beta
                ext = nxt[pre + (c,)]
                ext[2] = score + bonus
                src = pb if pre and c == pre[-1] else total
                ext[1] = np.logaddexp(ext[1], src + row[c] + bonus)
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(kv[1][0], kv[1][1]))[:beam]
        beams = {k: tuple(v) for k, v in ranked}
    end = lambda kv: np.logaddexp(kv[1][0], kv[1][1]) + alpha * lm.logp(lm.history(kv[0]), lm.eos)
    return list(max(beams.items(), key=end)[0])


def log_probs(model, rows):
    out = []
    with torch.no_grad():
        for path, _ in rows:
            x, sr = audio.read_wav(path)
            f = torch.from_numpy(audio.fbank(audio.resample(x, sr)))
            lp, ol = model(pad_features(f, model.cfg.chunk).unsqueeze(0), torch.tensor([f.shape[0]]))
            out.append(lp[0, :ol[0]].numpy())
    return out


def lm_text_for(a):
    """The LM's sentences: the training text less the dev sentences (make_dev), plus WordNet's."""
    text = make_dev(a.data, a.work, a.seed)
    if a.wordnet:
        text *= a.base_copies  # weighs the training text against WordNet's (count merging)
        dev = {line.split("\t", 1)[1].strip() for line in open(os.path.join(a.work, "eval", "lmdev.tsv"))}
        held = set(textgen.build_texts(1234)[1])  # synth.py's held-out split (its --seed)
        text += [t for t in textgen.wordnet_sentences() if t not in dev and t not in held]
    return text


def write_lm(text, sp, order, folder, lm=None):
    lm = lm or PieceNgram([sp.encode(t) for t in text], order, sp.get_piece_size())
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"lm-{order}.arpa")
    sizes = lm.write_arpa(path, [sp.id_to_piece(i) for i in range(sp.get_piece_size())])
    print(f"{path}: {len(text):,} sentences, {os.path.getsize(path):,} bytes, n-grams per order {sizes}",
          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exp", required=True, help="train.py folder: ckpt.pt + bpe.model (or only "
                    "bpe.model, with --ctc-onnx)")
    ap.add_argument("--ctc-onnx", default="", help="read the acoustic model from this model.onnx "
                    "(onnx_import.py) instead of EXP/ckpt.pt, e.g. the shipped one")
    ap.add_argument("--beams", default="8", help="beam widths; 1 is greedy decoding with the LM "
                    "in the loop (each frame keeps only its best prefix)")
    ap.add_argument("--data", default="/tmp/earshot-data", help="synth.py folder: train_text.txt + eval/")
    ap.add_argument("--work", default="/tmp/earshot-lmprobe")
    ap.add_argument("--orders", default="8")
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--write-arpa", default="", help="folder: also write each LM as lm-ORDER.arpa")
    ap.add_argument("--wordnet", action="store_true",
                    help="add WordNet's example sentences (textgen.wordnet_sentences) to the LM text, "
                         "less the held-out split and the dev sentences")
    ap.add_argument("--base-copies", type=int, default=1,
                    help="with --wordnet: count the training text this many times")
    ap.add_argument("--arpa-only", action="store_true",
                    help="with --write-arpa: write the LMs and stop (no acoustic model, no search)")
    a = ap.parse_args()
    if a.arpa_only:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(a.exp, "bpe.model"))
        for order in [int(o) for o in a.orders.split(",")]:
            write_lm(lm_text_for(a), sp, order, a.write_arpa)
        return
    torch.set_num_threads(1)
    if a.ctc_onnx:
        from onnx_import import load_ctc_onnx

        model, ck = load_ctc_onnx(a.ctc_onnx), {"step": os.path.basename(a.ctc_onnx)}
    else:
        ck = torch.load(os.path.join(a.exp, "ckpt.pt"), map_location="cpu", weights_only=False)
        model = EarshotCTC(ModelConfig(**ck["cfg"]))
        model.load_state_dict(ck["model"])
        model.eval()
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.exp, "bpe.model"))
    blank = model.cfg.vocab_size
    lm_text = lm_text_for(a)
    make_word_dev(a.data, a.work, a.seed)
    dev, test = load_eval(a.work, "lmdev", DEV_SIZE), load_eval(a.data, "espeak_heldout", 300)
    dlp, tlp = log_probs(model, dev), log_probs(model, test)
    drefs, trefs = [t for _, t in dev], [t for _, t in test]
    greedy = lambda lps: [sp.decode(greedy_ids(torch.from_numpy(l), blank)) for l in lps]
    print(f"step {ck['step']}: greedy WER dev {wer(drefs, greedy(dlp)):.4f} "
          f"held-out {wer(trefs, greedy(tlp)):.4f}", flush=True)
    pieces = [sp.encode(l) for l in lm_text]
    for order in [int(o) for o in a.orders.split(",")]:
        lm = PieceNgram(pieces, order, blank)
        if a.write_arpa:
            write_lm(lm_text, sp, order, a.write_arpa, lm)
        for beam in [int(b) for b in a.beams.split(",")]:
            decode = lambda lps, al, be: [
                sp.decode(prefix_beam_search(l, blank, lm, al, be, beam=beam)) for l in lps]
            best = min((wer(drefs, decode(dlp, al, be)), al, be)
                       for al, be in itertools.product([0.3, 0.5, 0.8], [0.0, 1.0, 2.0]))
            print(f"order {order} ({len(lm.counts):,} n-grams), beam {beam}: dev {best[0]:.4f} at "
                  f"alpha {best[1]} beta {best[2]}; held-out "
                  f"{wer(trefs, decode(tlp, best[1], best[2])):.4f}", flush=True)


if __name__ == "__main__":
    main()
