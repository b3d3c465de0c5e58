"""A transducer on the GRU encoder: a stateless prediction network that carries a piece LM, so
that *greedy* decoding spells with context (training/README.md, "Eleventh session").

Token ids (transducer): 0 = blank, 1..V = the SentencePiece pieces 0..V-1 (sherpa-onnx
hard-codes blank 0 for transducers; the CTC model's blank is its last id).

* Decoder (prediction network): the last `context` ids -> an embedding each -> MLP ->
  `joiner_dim`. Id -1 means "no token yet" and embeds to zeros, as sherpa-onnx's initial
  context is [-1, ..., -1, 0].
* Joiner: logit = ctc(enc) + out(tanh(enc_proj(enc) + dec)). `ctc` starts as the CTC head
  (rows reordered for blank 0) and `out` at zero, so training starts exactly at the CTC
  model's frame posteriors and the prediction network's context is added on top.

Export (`export_transducer`): sherpa-onnx's `lstm` transducer layout (MODEL_INTERFACES.md §2.3),
whose two opaque state tensors carry the GRU encoder's caches: state0 (L, N, d_model) = each
layer's GRU hidden state; state1 (L, N, d_model*(k-1)) = each layer's causal-conv inputs,
flattened. Metadata T = window_size (35), decode_chunk_len = chunk_shift (32); the encoder
output is the encoder's normalized features (d_model); the joiner projects them itself.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from earshot_model import set_metadata

BLANK = 0


class StatelessDecoder(nn.Module):
    def __init__(self, vocab, context, joiner_dim, embed=96, hidden=512):
        super().__init__()
        self.context = context
        self.emb = nn.Embedding(vocab, embed)
        self.l1 = nn.Linear(context * embed, hidden)
        self.l2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, joiner_dim)

    def hidden(self, y):  # y: (..., context) int64, -1 = none
        e = self.emb(y.clamp(min=0)) * (y >= 0).unsqueeze(-1)
        h = F.relu(self.l1(e.flatten(-2)))
        return F.relu(self.l2(h)) + h

    def forward(self, y):
        return self.out(self.hidden(y))


class Joiner(nn.Module):
    def __init__(self, d_model, joiner_dim, vocab):
        super().__init__()
        self.ctc = nn.Linear(d_model, vocab)
        self.enc_proj = nn.Linear(d_model, joiner_dim)
        self.out = nn.Linear(joiner_dim, vocab)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, enc, dec):
        return self.ctc(enc) + self.out(torch.tanh(self.enc_proj(enc) + dec))

    @torch.no_grad()
    def init_from_ctc_head(self, head):
        """head: the CTC Linear (pieces 0..V-1, blank last) -> blank first."""
        order = torch.cat([torch.tensor([head.out_features - 1]),
                           torch.arange(head.out_features - 1)])
        self.ctc.weight.copy_(head.weight[order])
        self.ctc.bias.copy_(head.bias[order])


def contexts(targets, context):
    """targets: (B, U) int64 transducer ids (padding anything) -> (B, U+1, context): the decoder
    input before each output position, starting from sherpa-onnx's [-1, ..., -1, 0]."""
    b = targets.shape[0]
    start = torch.full((b, context), -1, dtype=torch.int64, device=targets.device)
    start[:, -1] = BLANK
    seq = torch.cat([start, targets], 1)
    return seq.unfold(1, context, 1)


def greedy_decode(joiner, decoder, enc):
    """sherpa-onnx's greedy search (max one symbol per frame) on one utterance's encoder
    output (T, d). Returns transducer ids."""
    ctx = [-1] * (decoder.context - 1) + [BLANK]
    dec = decoder(torch.tensor([ctx], device=enc.device))
    out = []
    for t in range(enc.shape[0]):
        y = int(joiner(enc[t:t + 1], dec).argmax(-1))
        if y != BLANK:
            out.append(y)
            ctx = ctx[1:] + [y]
            dec = decoder(torch.tensor([ctx], device=enc.device))
    return out


class _EncoderWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, x, state0, state1):
        c = self.m.cfg
        n = x.shape[0]
        ch = state0.transpose(0, 1).unsqueeze(2)  # (N, L, 1, d)
        tm = state1.transpose(0, 1).reshape(n, c.n_layers, c.d_model, c.conv_kernel - 1)
        enc, ch, tm = self.m.encode_step(x, ch, tm)
        return (enc, ch.squeeze(2).transpose(0, 1),
                tm.reshape(n, c.n_layers, -1).transpose(0, 1))


class _DecoderWrapper(nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.d = decoder

    def forward(self, y):
        return self.d(y)


def _set_meta(path, meta):
    import onnx

    m = onnx.load(path)
    set_metadata(m, meta)
    onnx.save(m, path)


def export_transducer(model, decoder, joiner, out_dir, version):
    """encoder.onnx, decoder.onnx, joiner.onnx in sherpa-onnx's lstm transducer layout."""
    c = model.cfg
    os.makedirs(out_dir, exist_ok=True)
    n = 2
    enc_path = os.path.join(out_dir, "encoder.onnx")
    with torch.no_grad():
        torch.onnx.export(
            _EncoderWrapper(model).eval(),
            (torch.randn(n, c.window_size, c.n_mels), torch.zeros(c.n_layers, n, c.d_model),
             torch.zeros(c.n_layers, n, c.d_model * (c.conv_kernel - 1))),
            enc_path, opset_version=13, input_names=["x", "state0", "state1"],
            output_names=["encoder_out", "new_state0", "new_state1"],
            dynamic_axes={"x": {0: "N"}, "state0": {1: "N"}, "state1": {1: "N"},
                          "encoder_out": {0: "N"}, "new_state0": {1: "N"},
                          "new_state1": {1: "N"}})
        dec_path = os.path.join(out_dir, "decoder.onnx")
        torch.onnx.export(_DecoderWrapper(decoder).eval(),
                          (torch.zeros(n, decoder.context, dtype=torch.int64),), dec_path,
                          opset_version=13, input_names=["y"], output_names=["decoder_out"],
                          dynamic_axes={"y": {0: "N"}, "decoder_out": {0: "N"}})
        join_path = os.path.join(out_dir, "joiner.onnx")
        torch.onnx.export(joiner.eval(), (torch.randn(n, c.d_model),
                                          torch.randn(n, joiner.enc_proj.out_features)),
                          join_path, opset_version=13,
                          input_names=["encoder_out", "decoder_out"], output_names=["logit"],
                          dynamic_axes={"encoder_out": {0: "N"}, "decoder_out": {0: "N"},
                                        "logit": {0: "N"}})
    common = {"model_author": "Earshot", "version": version}
    _set_meta(enc_path, {
        **common, "model_type": "lstm", "num_encoder_layers": c.n_layers, "T": c.window_size,
        "decode_chunk_len": c.chunk_shift, "d_model": c.d_model,
        "rnn_hidden_size": c.d_model * (c.conv_kernel - 1),
        "comment": "Earshot GRU encoder; state0 = GRU hidden states, state1 = causal-conv "
                   "caches (L, N, d_model*(kernel-1)); output = normalized encoder features"})
    _set_meta(dec_path, {**common, "context_size": decoder.context,
                         "vocab_size": decoder.emb.num_embeddings})
    _set_meta(join_path, {**common, "joiner_dim": joiner.enc_proj.out_features})


def write_tokens(pieces, path):
    """tokens.txt for the transducer: '<blk> 0', then each piece at its id + 1."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("<blk> 0\n")
        for i, p in enumerate(pieces):
            f.write(f"{p} {i + 1}\n")


def one_symbol_rnnt_loss(logits, targets, logit_lengths, target_lengths, blank=BLANK):
    """RNN-T loss over the "modified" topology: every frame emits exactly one symbol, blank or
    the next piece, as sherpa-onnx's greedy and modified beam search decode (at most one symbol
    per frame). The standard loss (torchaudio's rnnt_loss) also sums alignments that emit
    several pieces on one frame, which a peaky CTC-trained encoder favours and one-symbol
    decoding then drops. logits (B, T, U+1, V); targets (B, U); returns -log P per utterance
    (inf where T < U: no alignment)."""
    lp = logits.log_softmax(-1)
    b, t_max, u1, _ = lp.shape
    blank_lp = lp[..., blank]  # (B, T, U+1)
    label_lp = lp[:, :, :-1].gather(
        -1, targets[:, None, :, None].expand(b, t_max, u1 - 1, 1)).squeeze(-1)  # (B, T, U)
    alpha = torch.full((b, u1), -1e30, dtype=lp.dtype, device=lp.device)
    alpha[:, 0] = 0
    lengths = logit_lengths.to(device=lp.device, dtype=torch.int64)
    for t in range(t_max):
        stay = alpha + blank_lp[:, t]
        move = F.pad(alpha[:, :-1] + label_lp[:, t], (1, 0), value=-1e30)
        alpha = torch.where((t < lengths)[:, None], torch.logaddexp(stay, move), alpha)
    ll = alpha.gather(1, target_lengths.to(device=lp.device, dtype=torch.int64)[:, None]).squeeze(1)
    return torch.where(ll < -1e29, torch.full_like(ll, float("inf")), -ll)
