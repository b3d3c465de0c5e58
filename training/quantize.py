"""Dynamic int8 quantization of an exported model, written with the `onnx` package only.

    /usr/bin/python3 training/quantize.py --in models/earshot-en-small --out DIR \
        [--check-list /tmp/earshot-data/eval/espeak_heldout.tsv --check-n 40]

Writes DIR/model.int8.onnx and copies tokens.txt. Every MatMul (and Gemm without transA) whose
weight is a 2-D constant initializer of at least --min-elems elements becomes the pattern that
onnxruntime's own dynamic quantizer (quantize_dynamic, IntegerOps) emits:

    x -> DynamicQuantizeLinear -> (x_q uint8, x_scale, x_zp)
    MatMulInteger(x_q, W_q, x_zp, W_zp) -> Cast(float) -> Mul(x_scale * W_scale) [-> Add(bias)]

W_q is int8, symmetric (zero point 0, scale absmax/127), per output column by default
(MatMulInteger accepts an N-element b_zero_point for a [K, N] B, and onnxruntime's CPU kernel
runs it); --weight-type uint8 stores asymmetric uint8 instead. onnxruntime's CPU kernels take
uint8 x uint8, uint8 x int8 and int8 x int8; DynamicQuantizeLinear only produces uint8, so the
activation side is always uint8. onnxruntime fuses the pattern into DynamicQuantizeMatMul.

Not quantized: GRU weights (onnxruntime has DynamicQuantizeLSTM, no GRU counterpart, and its
quantizer's IntegerOps registry lists LSTM but not GRU), the small convolutions, LayerNorm and
biases. Graph inputs, outputs and metadata_props are kept as they are, so sherpa-onnx (NeMo CTC)
and Earshot's engine load the file unchanged.

Note: the activation scale is computed over the whole input tensor, i.e. over every stream
of a batch, so in a batch one stream's output depends slightly on the others.

--check-list runs the checks: log-probs of both models through onnxruntime-node on real
windows (ort_run.cjs), then WER and CPU time of both through sherpa-onnx-node (evaluate.py).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_NAME = "model.int8.onnx"


def quantize_weight(w, weight_type, per_column, reduce_range):
    """[K, N] float -> (q, scale, zero_point); per column scale/zp have N elements."""
    axis = 0 if per_column else None
    if weight_type == "int8":
        qmax = 63 if reduce_range else 127  # symmetric [-qmax, qmax], zero point 0
        absmax = np.abs(w).max(axis=axis)
        scale = np.where(absmax > 0, absmax / qmax, 1.0).astype(np.float32)
        q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8)
        zp = np.zeros_like(scale, dtype=np.int8)
    else:
        qmax = 127 if reduce_range else 255  # asymmetric [0, qmax], range includes 0
        lo = np.minimum(w.min(axis=axis), 0)
        hi = np.maximum(w.max(axis=axis), 0)
        scale = np.where(hi > lo, (hi - lo) / qmax, 1.0).astype(np.float32)
        zp = np.clip(np.rint(-lo / scale), 0, qmax).astype(np.uint8)
        q = np.clip(np.rint(w / scale) + zp, 0, qmax).astype(np.uint8)
    return q, scale.astype(np.float32), zp


class Quantizer:
    def __init__(self, model, weight_type, per_column, reduce_range, min_elems):
        self.model, self.g = model, model.graph
        self.weight_type, self.per_column = weight_type, per_column
        self.reduce_range, self.min_elems = reduce_range, min_elems
        self.inits = {i.name: i for i in self.g.initializer}
        self.uses = {}
        for n in self.g.node:
            for x in n.input:
                self.uses[x] = self.uses.get(x, 0) + 1
        for o in self.g.output:
            self.uses[o.name] = self.uses.get(o.name, 0) + 1
        self.dq = {}  # activation name -> its DynamicQuantizeLinear outputs (shared by consumers)
        self.new_inits = []
        self.quantized, self.kept = [], []

    def weight(self, name):
        t = self.inits.get(name)
        if t is None or t.data_type != TensorProto.FLOAT or len(t.dims) != 2:
            return None
        return numpy_helper.to_array(t)

    def dynamic_quantize(self, x, nodes):
        if x not in self.dq:
            outs = [f"{x}_quantized", f"{x}_scale", f"{x}_zero_point"]
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], outs,
                                          name=f"{x}_QuantizeLinear"))
            self.dq[x] = outs
        return self.dq[x]

    def replace(self, node, w, bias):
        """Nodes computing node.output[0] = x @ w (+ bias) with an int8 weight."""
        base = node.name or node.output[0]
        q, scale, zp = quantize_weight(w, self.weight_type, self.per_column, self.reduce_range)
        wq, ws, wz = f"{base}_W_quantized", f"{base}_W_scale", f"{base}_W_zero_point"
        self.new_inits += [numpy_helper.from_array(q, wq), numpy_helper.from_array(scale, ws),
                           numpy_helper.from_array(zp, wz)]
        nodes = []
        xq, xs, xz = self.dynamic_quantize(node.input[0], nodes)
        y = node.output[0]
        mm, cast, sc = f"{base}_MatMulInteger_out", f"{base}_cast_out", f"{base}_scales"
        mul_out = f"{base}_scaled_out" if bias is not None else y
        nodes += [
            helper.make_node("MatMulInteger", [xq, wq, xz, wz], [mm], name=f"{base}_MatMulInteger"),
            helper.make_node("Cast", [mm], [cast], to=TensorProto.FLOAT, name=f"{base}_cast"),
            helper.make_node("Mul", [xs, ws], [sc], name=f"{base}_scales_mul"),
            helper.make_node("Mul", [cast, sc], [mul_out], name=f"{base}_output_scale_mul"),
        ]
        if bias is not None:
            bn = f"{base}_bias"
            self.new_inits.append(numpy_helper.from_array(bias.astype(np.float32), bn))
            nodes.append(helper.make_node("Add", [mul_out, bn], [y], name=f"{base}_bias_add"))
        self.quantized.append(f"{node.op_type} {base} {list(w.shape)}")
        return nodes

    def gemm(self, node):
        """Gemm(A, B, C) with constant B -> (w, bias) or None when it does not fit the pattern."""
        a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
        w = self.weight(node.input[1])
        if w is None or a.get("transA", 0):
            return None
        if a.get("transB", 0):
            w = w.T
        w = w * np.float32(a.get("alpha", 1.0))
        bias = None
        if len(node.input) > 2 and node.input[2]:
            c = self.inits.get(node.input[2])
            if c is None:
                return None
            bias = numpy_helper.to_array(c) * np.float32(a.get("beta", 1.0))
        return w, bias

    def run(self):
        out_nodes, dropped = [], set()
        for node in self.g.node:
            found = None
            if node.op_type == "MatMul":
                w = self.weight(node.input[1])
                found = (w, None) if w is not None else None
            elif node.op_type == "Gemm":
                found = self.gemm(node)
            if found is not None and found[0].size >= self.min_elems:
                out_nodes += self.replace(node, *found)
                dropped.update(x for x in node.input[1:] if x in self.inits)
                continue
            if found is not None:
                self.kept.append(f"{node.op_type} {node.name} {list(found[0].shape)} (small)")
            elif node.op_type in ("GRU", "LSTM", "RNN", "Conv", "MatMul", "Gemm"):
                n = sum(int(np.prod(self.inits[x].dims)) for x in node.input if x in self.inits)
                self.kept.append(f"{node.op_type} {node.name} ({n} fp32 weights)")
            out_nodes.append(node)
        # drop the fp32 weights that nothing else reads
        still_used = {x for n in out_nodes for x in n.input} | {o.name for o in self.g.output}
        keep = [i for i in self.g.initializer if i.name not in dropped or i.name in still_used]
        del self.g.node[:]
        self.g.node.extend(out_nodes)
        del self.g.initializer[:]
        self.g.initializer.extend(keep + self.new_inits)
        # DynamicQuantizeLinear needs opset 11 of the default domain
        for o in self.model.opset_import:
            if o.domain in ("", "ai.onnx") and o.version < 11:
                o.version = 11
        return self.model


def quantize_file(src, dst, weight_type="int8", per_column=True, reduce_range=False,
                  min_elems=4096):
    model = onnx.load(src)
    before = ([(i.name, i.type.SerializeToString()) for i in model.graph.input],
              [(o.name, o.type.SerializeToString()) for o in model.graph.output],
              [(p.key, p.value) for p in model.metadata_props])
    q = Quantizer(model, weight_type, per_column, reduce_range, min_elems)
    q.run()
    after = ([(i.name, i.type.SerializeToString()) for i in model.graph.input],
             [(o.name, o.type.SerializeToString()) for o in model.graph.output],
             [(p.key, p.value) for p in model.metadata_props])
    assert before == after, "graph inputs/outputs/metadata changed"
    onnx.checker.check_model(model)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.save(model, dst)
    return q


# ---- checks ---------------------------------------------------------------------------

def real_windows(model_path, wav, max_windows):
    """Channels-first feature windows exactly as sherpa-onnx cuts them (README, streaming)."""
    sys.path.insert(0, HERE)
    import audio
    meta = {p.key: p.value for p in onnx.load(model_path, load_external_data=False).metadata_props}
    win, shift = int(meta["window_size"]), int(meta["chunk_shift"])
    x, sr = audio.read_wav(wav)
    x = audio.resample(x, sr)
    feats = audio.fbank(np.concatenate([x, np.zeros(int(0.66 * 16000), np.float32)]))
    out, start = [], 0
    while start + win < feats.shape[0] and len(out) < max_windows:
        out.append(feats[start:start + win].T.reshape(-1).tolist())
        start += shift
    dims = (1, 2, 3)
    shapes = {"audio_signal": [1, feats.shape[1], win],
              "cache_last_channel": [1] + [int(meta[f"cache_last_channel_dim{i}"]) for i in dims],
              "cache_last_time": [1] + [int(meta[f"cache_last_time_dim{i}"]) for i in dims]}
    return {"n": 1, "shapes": shapes, "windows": out}


def ort_logprobs(model_path, inp, vocab, node_modules, d):
    with open(os.path.join(d, "in.json"), "w") as f:
        json.dump(inp, f)
    subprocess.run(["node", os.path.join(HERE, "ort_run.cjs"), model_path,
                    os.path.join(d, "in.json"), os.path.join(d, "out.json")], check=True,
                   env=dict(os.environ, NODE_PATH=node_modules))
    out = json.load(open(os.path.join(d, "out.json")))
    return np.concatenate([np.array(o, np.float32).reshape(-1, vocab) for o in out["logprobs"]])


def numeric_check(fp32, int8, wavs, node_modules):
    meta = {p.key: p.value for p in onnx.load(fp32, load_external_data=False).metadata_props}
    vocab = int(meta["vocab_size"]) + 1  # + blank
    diffs, agree, frames = [], 0, 0
    with tempfile.TemporaryDirectory() as d:
        for wav in wavs:
            inp = real_windows(fp32, wav, max_windows=40)
            a = ort_logprobs(fp32, inp, vocab, node_modules, d)
            b = ort_logprobs(int8, inp, vocab, node_modules, d)
            diffs.append(np.abs(a - b))
            agree += int((a.argmax(-1) == b.argmax(-1)).sum())
            frames += a.shape[0]
    dd = np.concatenate([x.reshape(-1) for x in diffs])
    print(f"numeric (onnxruntime-node, {len(wavs)} files, {frames} output frames): "
          f"|dlogprob| max {dd.max():.3f} mean {dd.mean():.4f}; "
          f"frame argmax agreement {agree / frames:.1%}")


def decode_check(fp32_dir, int8_path, tsv, root, n, node_modules):
    from evaluate import decode, error_rates, rtf
    rows = [l.rstrip("\n").split("\t") for l in open(tsv)][:n]
    paths, refs = [os.path.join(root, p) for p, _ in rows], [t for _, t in rows]
    with tempfile.TemporaryDirectory() as d:
        # sherpa_decode.cjs reads MODEL_DIR/model.onnx
        os.symlink(os.path.abspath(int8_path), os.path.join(d, "model.onnx"))
        shutil.copy(os.path.join(fp32_dir, "tokens.txt"), d)
        results = {"fp32": decode(fp32_dir, paths, node_modules),
                   "int8": decode(d, paths, node_modules)}
    for name, res in results.items():
        w, c = error_rates(refs, [r["text"] for r in res])
        cpu = sum(r["cpu_s"] for r in res)
        print(f"{name}: {n} utts WER {w:.3f} CER {c:.3f}; CPU {cpu:.2f} s "
              f"(RTF {rtf(res)['cpu']:.4f}), wall RTF {rtf(res)['wall']:.4f}")
    same = sum(a["text"] == b["text"] for a, b in zip(results["fp32"], results["int8"]))
    print(f"identical transcripts: {same}/{n}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="src", required=True, help="folder with model.onnx + tokens.txt")
    ap.add_argument("--out", required=True, help=f"folder for {OUT_NAME} + tokens.txt")
    ap.add_argument("--weight-type", choices=["int8", "uint8"], default="int8")
    ap.add_argument("--per-tensor", action="store_true",
                    help="one scale per weight (default: one per output column)")
    ap.add_argument("--reduce-range", action="store_true",
                    help="7-bit weights, for x86 CPUs without VNNI whose u8s8 kernels can saturate")
    ap.add_argument("--min-elems", type=int, default=4096, help="smaller weights stay fp32")
    ap.add_argument("--check-list", default="", help="TSV of WAV path + transcript: run the checks")
    ap.add_argument("--check-root", default="",
                    help="WAV paths are relative to this (default: the TSV's folder's parent)")
    ap.add_argument("--check-n", type=int, default=40)
    ap.add_argument("--node-modules", default=os.path.join(HERE, "..", "node_modules"))
    a = ap.parse_args()
    src = os.path.join(a.src, "model.onnx")
    if not os.path.isfile(src):
        sys.exit(f"no model.onnx in {a.src}")
    os.makedirs(a.out, exist_ok=True)
    dst = os.path.join(a.out, OUT_NAME)
    q = quantize_file(src, dst, a.weight_type, not a.per_tensor, a.reduce_range, a.min_elems)
    shutil.copy(os.path.join(a.src, "tokens.txt"), os.path.join(a.out, "tokens.txt"))
    print(f"quantized {len(q.quantized)} weights ({a.weight_type}, "
          f"{'per tensor' if a.per_tensor else 'per column'}):")
    for s in q.quantized:
        print("  " + s)
    print("kept fp32:")
    for s in q.kept:
        print("  " + s)
    print(f"{src}: {os.path.getsize(src):,} bytes -> {dst}: {os.path.getsize(dst):,} bytes")
    if a.check_list:
        sys.path.insert(0, HERE)
        root = a.check_root or os.path.dirname(os.path.dirname(os.path.abspath(a.check_list)))
        wavs = [os.path.join(root, l.split("\t")[0]) for l in open(a.check_list)][:3]
        numeric_check(src, dst, wavs, a.node_modules)
        decode_check(a.src, dst, a.check_list, root, a.check_n, a.node_modules)


if __name__ == "__main__":
    main()
