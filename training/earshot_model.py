"""Cache-aware streaming CTC encoders (conformer or GRU) and their ONNX export.

One module serves training (whole utterances), streaming inference (one window at a time,
with explicit caches) and export in the NeMo cache-aware streaming CTC layout that
sherpa-onnx runs (../shared/MODEL_INTERFACES.md §3.2). The two code paths share the same
layer functions, so chunked streaming gives the same output as whole-utterance training.

Time layout (feature frames are 10 ms):
* subsampling: two stride-2 3x3 convs without time padding ("valid"). Output frame j sees
  feature frames [4j, 4j+6]. A window of 4*chunk+3 frames gives exactly `chunk` outputs, so
  the pre-encode cache is 3 frames: window_size = 4*chunk + 3, chunk_shift = 4*chunk.
* attention: each chunk of `chunk` output frames attends to itself and the `left_chunks`
  chunks before it (cache_last_channel holds those frames, per layer).
* convolution module: causal depthwise conv; cache_last_time holds its last kernel-1 inputs.
* encoder "gru" (the shipped model): causal conv module + unidirectional GRU per layer; the
  GRU's hidden state is cache_last_channel (cache length 1), the conv's inputs cache_last_time.
  Same inputs, outputs and metadata, so sherpa-onnx and our engine run either unchanged.
"""
from dataclasses import dataclass, asdict
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# log(FLT_EPSILON): the fbank value of digital silence; used to pad features.
SILENCE_LOGMEL = math.log(1.1920928955078125e-07)


@dataclass
class ModelConfig:
    vocab_size: int = 256       # BPE pieces, blank excluded (blank id = vocab_size)
    n_mels: int = 80
    d_model: int = 176
    n_layers: int = 6
    n_heads: int = 4
    ff_mult: int = 4
    conv_kernel: int = 15
    sub_channels: int = 64
    chunk: int = 8              # output frames per chunk (= 320 ms of audio)
    left_chunks: int = 4        # attention left context, in chunks
    dropout: float = 0.1
    encoder: str = "conformer"  # or "gru": causal conv + unidirectional GRU layers
    lookahead_layers: int = 0   # GRU encoder: in-chunk attention blocks on top (see ChunkLookahead)

    @property
    def cache_len(self):
        # A GRU layer's whole left context is its hidden state: one "frame" of cache.
        return 1 if self.encoder == "gru" else self.chunk * self.left_chunks

    @property
    def chunk_shift(self):
        return 4 * self.chunk

    @property
    def window_size(self):
        return 4 * self.chunk + 3


def subsampled_length(n):
    """Number of output frames for n feature frames (valid convs, k=3, s=2, twice)."""
    return torch.clamp(((n - 3) // 2 + 1 - 3) // 2 + 1, min=0)


class Subsampling(nn.Module):
    """Conv2d(1->C, s2) + depthwise-separable Conv2d(s2) over (time, mel), no time padding."""

    def __init__(self, cfg):
        super().__init__()
        c = cfg.sub_channels
        self.conv1 = nn.Conv2d(1, c, 3, stride=2)
        self.dw = nn.Conv2d(c, c, 3, stride=2, groups=c)
        self.pw = nn.Conv2d(c, c, 1)
        f = ((cfg.n_mels - 3) // 2 + 1 - 3) // 2 + 1
        self.out = nn.Linear(c * f, cfg.d_model)

    def forward(self, x):  # (B, T, F) -> (B, T', d)
        x = F.relu(self.conv1(x.unsqueeze(1)))
        x = F.relu(self.pw(self.dw(x)))
        b, c, t, f = x.shape
        return self.out(x.permute(0, 2, 1, 3).reshape(b, t, c * f))


class FeedForward(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm = nn.LayerNorm(cfg.d_model)
        self.l1 = nn.Linear(cfg.d_model, cfg.d_model * cfg.ff_mult)
        self.l2 = nn.Linear(cfg.d_model * cfg.ff_mult, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        return self.l2(self.drop(F.silu(self.l1(self.norm(x)))))


class ChunkAttention(nn.Module):
    """Multi-head self-attention of a chunk over [left cache + chunk], with a learned
    relative-position bias (the positions inside a window are the same for every chunk)."""

    def __init__(self, cfg, cache_len=None):
        super().__init__()
        self.h, self.c = cfg.n_heads, cfg.chunk
        self.cache = cfg.cache_len if cache_len is None else cache_len
        self.dh = cfg.d_model // cfg.n_heads
        self.norm = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        s = self.cache + self.c
        self.rel_bias = nn.Parameter(torch.zeros(self.h, s + self.c - 1))
        q = torch.arange(self.c).unsqueeze(1)
        k = torch.arange(s).unsqueeze(0)
        self.register_buffer("rel_idx", k - q + self.c - 1, persistent=False)  # (C, S)

    def _attend(self, q, k, v, valid):
        # q: (B, H, n, C, dh); k, v: (B, H, n, S, dh); valid: bool (B|1, 1, n, 1, S)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dh)
        scores = scores + self.rel_bias[:, self.rel_idx].unsqueeze(1)  # (H, 1, C, S)
        scores = scores.masked_fill(~valid, -1e4)
        return self.drop(scores.softmax(-1)) @ v  # (B, H, n, C, dh)

    def _split(self, x):  # (B, T, d) -> (B, H, T, dh)
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dh).transpose(1, 2)

    def forward(self, x):
        """Whole utterance; T must be a multiple of the chunk size."""
        b, t, d = x.shape
        n = t // self.c
        y = self.norm(x)
        q, k, v = self.qkv(y).chunk(3, dim=-1)
        pad = (0, 0, self.cache, 0)
        k = self._split(F.pad(k, pad)).unfold(2, self.cache + self.c, self.c)  # (B,H,n,dh,S)
        v = self._split(F.pad(v, pad)).unfold(2, self.cache + self.c, self.c)
        q = self._split(q).reshape(b, self.h, n, self.c, self.dh)
        pos = torch.arange(n, device=x.device).unsqueeze(1) * self.c - self.cache \
            + torch.arange(self.cache + self.c, device=x.device)  # global key frame
        valid = (pos >= 0).view(1, 1, n, 1, -1)
        o = self._attend(q, k.transpose(-1, -2), v.transpose(-1, -2), valid)
        return self.proj(o.permute(0, 2, 3, 1, 4).reshape(b, t, d))

    def one_chunk(self, x):
        """forward() of a single chunk without left context (cache_len 0): the streaming form
        that ONNX export can trace (it cannot export forward's unfold)."""
        b, t, d = x.shape
        q, k, v = (self._split(z).unsqueeze(2) for z in self.qkv(self.norm(x)).chunk(3, dim=-1))
        valid = torch.ones(1, 1, 1, 1, t, dtype=torch.bool, device=x.device)
        o = self._attend(q, k, v, valid)
        return self.proj(o.squeeze(2).transpose(1, 2).reshape(b, t, d))

    def step(self, x, cache, cache_valid):
        """One chunk. x: (B, C, d); cache: (B, cache_len, d) normed inputs of earlier
        chunks; cache_valid: (B,) int64 number of real frames at the end of the cache."""
        b, t, d = x.shape
        y = self.norm(x)
        src = torch.cat([cache, y], dim=1)  # (B, S, d)
        q, _, _ = self.qkv(y).chunk(3, dim=-1)
        _, k, v = self.qkv(src).chunk(3, dim=-1)
        q = self._split(q).unsqueeze(2)
        k = self._split(k).unsqueeze(2)
        v = self._split(v).unsqueeze(2)
        pos = torch.arange(self.cache + self.c, device=x.device).unsqueeze(0)
        valid = (pos >= (self.cache - cache_valid).unsqueeze(1)).view(b, 1, 1, 1, -1)
        o = self._attend(q, k, v, valid)
        out = self.proj(o.squeeze(2).transpose(1, 2).reshape(b, t, d))
        return out, src[:, -self.cache:]


class ConvModule(nn.Module):
    """Pointwise -> GLU -> causal depthwise conv -> LayerNorm -> SiLU -> pointwise."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.k = cfg.conv_kernel
        self.norm = nn.LayerNorm(d)
        self.pw1 = nn.Linear(d, 2 * d)
        self.dw = nn.Conv1d(d, d, cfg.conv_kernel, groups=d)
        self.norm2 = nn.LayerNorm(d)
        self.pw2 = nn.Linear(d, d)
        self.drop = nn.Dropout(cfg.dropout)

    def _post(self, z):  # z: (B, d, T) after depthwise conv
        return self.drop(self.pw2(F.silu(self.norm2(z.transpose(1, 2)))))

    def forward(self, x):
        g = F.glu(self.pw1(self.norm(x)), dim=-1).transpose(1, 2)  # (B, d, T)
        return self._post(self.dw(F.pad(g, (self.k - 1, 0))))

    def step(self, x, cache):  # cache: (B, d, k-1)
        g = F.glu(self.pw1(self.norm(x)), dim=-1).transpose(1, 2)
        full = torch.cat([cache, g], dim=2)
        return self._post(self.dw(full)), full[:, :, -(self.k - 1):]


class ConformerLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ff1, self.ff2 = FeedForward(cfg), FeedForward(cfg)
        self.att, self.conv = ChunkAttention(cfg), ConvModule(cfg)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        x = x + 0.5 * self.drop(self.ff1(x))
        x = x + self.drop(self.att(x))
        x = x + self.conv(x)
        x = x + 0.5 * self.drop(self.ff2(x))
        return self.norm(x)

    def step(self, x, ch_cache, ch_valid, t_cache):
        x = x + 0.5 * self.ff1(x)
        a, ch_next = self.att.step(x, ch_cache, ch_valid)
        x = x + a
        c, t_next = self.conv.step(x, t_cache)
        x = x + c
        x = x + 0.5 * self.ff2(x)
        return self.norm(x), ch_next, t_next


class GruLayer(nn.Module):
    """Causal conv module -> unidirectional GRU -> feed-forward, each residual. Streams
    exactly: the conv keeps its last kernel-1 inputs (cache_last_time) and the GRU its hidden
    state (cache_last_channel, one frame), so chunked output equals whole-utterance output.
    RNNs leave the CTC blank plateau far sooner than attention on a 2-core training budget."""

    def __init__(self, cfg):
        super().__init__()
        self.conv = ConvModule(cfg)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.gru = nn.GRU(cfg.d_model, cfg.d_model, batch_first=True)
        self.ff = FeedForward(cfg)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x):
        x = x + self.conv(x)
        y, _ = self.gru(self.norm(x))
        x = x + self.drop(y)
        return x + 0.5 * self.drop(self.ff(x))

    @torch.no_grad()
    def make_identity(self):
        """A layer that passes its input through unchanged, yet learns: the last projection of
        each residual branch is zero, and so are the GRU's candidate-gate weights, which keeps
        its state, and so its output, at exactly 0 (h = z * h_prev from h0 = 0). For growing a
        trained model deeper (train.py --init-from with more --layers)."""
        d = self.gru.hidden_size
        for lin in (self.conv.pw2, self.ff.l2):
            lin.weight.zero_()
            lin.bias.zero_()
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(self.gru, name)[2 * d:].zero_()  # gate order r, z, n

    def step(self, x, ch_cache, ch_valid, t_cache):
        c, t_next = self.conv.step(x, t_cache)
        x = x + c
        y, h = self.gru(self.norm(x), ch_cache.transpose(0, 1).contiguous())  # h0: (1, B, d)
        x = x + y
        return x + 0.5 * self.ff(x), h.transpose(0, 1), t_next


class ChunkLookahead(nn.Module):
    """Attention of each frame over the frames of its own chunk, then a feed-forward block,
    each residual. A chunk's output frames are only computed once its whole window has
    arrived, so an early frame may look at the later frames of its chunk (up to 280 ms) at no
    added latency; streamed and whole-utterance outputs stay equal. It needs no cache. The
    last projections start at zero, so adding it to a trained model changes nothing at first."""

    def __init__(self, cfg):
        super().__init__()
        self.att = ChunkAttention(cfg, cache_len=0)
        self.ff = FeedForward(cfg)
        with torch.no_grad():
            for lin in (self.att.proj, self.ff.l2):
                lin.weight.zero_()
                lin.bias.zero_()

    def forward(self, x):  # (B, T, d), T a multiple of the chunk size
        x = x + self.att(x)
        return x + 0.5 * self.ff(x)

    def step(self, x):  # (B, C, d): one chunk
        x = x + self.att.one_chunk(x)
        return x + 0.5 * self.ff(x)


class EarshotCTC(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        # Global log-mel mean/std, set from training data; part of the exported graph.
        self.register_buffer("feat_mean", torch.zeros(cfg.n_mels))
        self.register_buffer("feat_std", torch.ones(cfg.n_mels))
        self.sub = Subsampling(cfg)
        layer = GruLayer if cfg.encoder == "gru" else ConformerLayer
        self.layers = nn.ModuleList(layer(cfg) for _ in range(cfg.n_layers))
        self.lookahead = nn.ModuleList(ChunkLookahead(cfg) for _ in range(cfg.lookahead_layers))
        # Conformer layers end in a LayerNorm; the GRU stack gets one before the head.
        self.out_norm = nn.LayerNorm(cfg.d_model) if cfg.encoder == "gru" else nn.Identity()
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size + 1)

    def forward(self, feats, feat_lens, encoder_grad=True):
        """feats: (B, T, n_mels) raw log-mel, padded with SILENCE_LOGMEL so that
        T = 4*chunk*k + 3. Returns log-probs (B, T', V+1) and output lengths. With
        encoder_grad False only the head gets gradients (train.py --head-only-steps)."""
        with torch.set_grad_enabled(encoder_grad and torch.is_grad_enabled()):
            h = self.encode(feats)
        return self.head(h).log_softmax(-1), subsampled_length(feat_lens)

    def encode(self, feats):
        """The encoder's normalized output (B, T', d_model): what the CTC head reads."""
        x = self.sub((feats - self.feat_mean) / self.feat_std)
        for layer in self.layers:
            x = layer(x)
        for block in self.lookahead:
            x = block(x)
        return self.out_norm(x)

    def step(self, window, cache_ch, cache_t, cache_len):
        """One streaming window. window: (B, window_size, n_mels); cache_ch:
        (B, L, cache_len, d); cache_t: (B, L, d, k-1); cache_len: (B,) int64."""
        h, ch_next, t_next = self.encode_step(window, cache_ch, cache_t, cache_len)
        len_next = torch.clamp(cache_len + self.cfg.chunk, max=self.cfg.cache_len)
        return self.head(h).log_softmax(-1), ch_next, t_next, len_next

    def encode_step(self, window, cache_ch, cache_t, cache_len=None):
        """One streaming window of encode(): the normalized features (B, chunk, d) and the
        next caches. cache_len only masks the conformer's attention (a GRU needs none)."""
        x = self.sub((window - self.feat_mean) / self.feat_std)
        ch_next, t_next = [], []
        for i, layer in enumerate(self.layers):
            x, c, t = layer.step(x, cache_ch[:, i], cache_len, cache_t[:, i])
            ch_next.append(c)
            t_next.append(t)
        for block in self.lookahead:
            x = block.step(x)
        return self.out_norm(x), torch.stack(ch_next, 1), torch.stack(t_next, 1)

    def init_caches(self, batch):
        c = self.cfg
        return (torch.zeros(batch, c.n_layers, c.cache_len, c.d_model),
                torch.zeros(batch, c.n_layers, c.d_model, c.conv_kernel - 1),
                torch.zeros(batch, dtype=torch.int64))


def pad_features(feats, chunk):
    """Pad (T, F) features with silence so that T = 4*chunk*k + 3 (whole chunks)."""
    t = feats.shape[0]
    k = max(1, math.ceil((t - 3) / (4 * chunk)))
    need = 4 * chunk * k + 3
    if need > t:
        feats = F.pad(feats, (0, 0, 0, need - t), value=SILENCE_LOGMEL)
    return feats


def stream_logprobs(model, feats):
    """Run (T, F) features through model.step the way sherpa-onnx does: windows of
    window_size frames starting at 0, advancing by chunk_shift, while a full window
    plus at least one more frame is available (its IsReady uses a strict '<')."""
    c = model.cfg
    ch, tm, ln = model.init_caches(1)
    outs, start = [], 0
    while start + c.window_size < feats.shape[0]:
        w = feats[start:start + c.window_size].unsqueeze(0)
        lp, ch, tm, ln = model.step(w, ch, tm, ln)
        outs.append(lp[0])
        start += c.chunk_shift
    if not outs:
        return torch.zeros(0, c.vocab_size + 1)
    return torch.cat(outs, 0)


def greedy_ids(logprobs, blank):
    ids = logprobs.argmax(-1).tolist()
    out, prev = [], blank
    for i in ids:
        if i != blank and i != prev:
            out.append(i)
        prev = i
    return out


class _OnnxWrapper(nn.Module):
    """NeMo cache-aware streaming CTC signature, as sherpa-onnx calls it."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, audio_signal, length, cache_last_channel, cache_last_time,
                cache_last_channel_len):
        lp, ch, tm, ln = self.m.step(audio_signal.transpose(1, 2), cache_last_channel,
                                     cache_last_time, cache_last_channel_len)
        enc_len = torch.zeros_like(length) + self.m.cfg.chunk
        return lp, enc_len, ch, tm, ln


def export_onnx(model, path, extra_meta=None):
    """Export `model` in the NeMo cache-aware streaming CTC layout (opset 13)."""
    import onnx

    was_training = model.training
    wrapper = _OnnxWrapper(model).eval()  # export restores the wrapper's mode afterwards
    c = model.cfg
    b = 2  # batch used for tracing; axis 0 is dynamic
    ch, tm, ln = model.init_caches(b)
    args = (torch.randn(b, c.n_mels, c.window_size),
            torch.full((b,), c.window_size, dtype=torch.int64), ch, tm, ln)
    inputs = ["audio_signal", "length", "cache_last_channel", "cache_last_time",
              "cache_last_channel_len"]
    outputs = ["logprobs", "encoded_lengths", "cache_last_channel_next",
               "cache_last_time_next", "cache_last_channel_next_len"]
    with torch.no_grad():
        torch.onnx.export(wrapper, args, path, opset_version=13,
                          input_names=inputs, output_names=outputs,
                          dynamic_axes={n: {0: "N"} for n in inputs + outputs})
    model.train(was_training)
    m = onnx.load(path)
    meta = {
        "model_type": "EncDecCTCModelBPE",
        "window_size": c.window_size,
        "chunk_shift": c.chunk_shift,
        "subsampling_factor": 4,
        "vocab_size": c.vocab_size,
        "cache_last_channel_dim1": c.n_layers,
        "cache_last_channel_dim2": c.cache_len,
        "cache_last_channel_dim3": c.d_model,
        "cache_last_time_dim1": c.n_layers,
        "cache_last_time_dim2": c.d_model,
        "cache_last_time_dim3": c.conv_kernel - 1,
        "normalize_type": "",
        "model_author": "Earshot",
        "comment": f"cache-aware streaming {c.encoder} CTC; config " + str(asdict(c)),
    }
    meta.update(extra_meta or {})
    set_metadata(m, meta)
    onnx.save(m, path)


def set_metadata(m, meta):
    """Replaces an ONNX model's metadata_props with `meta` (values as strings)."""
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, str(v)


def write_tokens(pieces, path):
    """tokens.txt: 'piece id' per line, ids 0..V-1, then '<blk> V' last."""
    with open(path, "w", encoding="utf-8") as f:
        for i, p in enumerate(pieces):
            f.write(f"{p} {i}\n")
        f.write(f"<blk> {len(pieces)}\n")
