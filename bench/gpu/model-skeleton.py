"""Carry a random-weight bench model to the GPU machine without its weights.

A 30 M-parameter float32 model is ~120 MB of incompressible random numbers; the device's working
tree may hold 64 MiB. Throughput does not depend on the values, only on the graph and the shapes,
so we carry the graph and regenerate the weights there:

    python3 bench/gpu/model-skeleton.py strip SRC_DIR DST_DIR   # here: model.onnx without weights
    python3 bench/gpu/model-skeleton.py fill  DST_DIR OUT_DIR   # there: weights ~ N(mean, std)

`strip` keeps every non-float or small (< 1024 values) initializer as it is (shape constants,
norms' scales), and for each large float one keeps its shape and records its mean and standard
deviation in skeleton.json. `fill` draws those tensors from a seeded normal distribution with
the recorded statistics, so the filled model computes like the original (same graph, same
magnitudes; different random numbers). tokens.txt and the ONNX metadata travel unchanged.
Needs numpy and onnx (Debian's python3-onnx here, the GPU machine's onnx package there).
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import numpy_helper

SMALL = 1024
FLOATS = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16}


def strip(src, dst):
    os.makedirs(dst, exist_ok=True)
    model = onnx.load(os.path.join(src, "model.onnx"))
    stats = {}
    for t in model.graph.initializer:
        size = int(np.prod(t.dims)) if t.dims else 1
        if t.data_type not in FLOATS or size < SMALL:
            continue
        a = numpy_helper.to_array(t).astype(np.float64)
        stats[t.name] = [float(a.mean()), float(a.std())]
        t.ClearField("raw_data")
        t.ClearField("float_data")
    onnx.save(model, os.path.join(dst, "skeleton.onnx"))
    with open(os.path.join(dst, "skeleton.json"), "w") as f:
        json.dump(stats, f)
    shutil.copy(os.path.join(src, "tokens.txt"), dst)
    params = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    print(f"{src}: {params / 1e6:.1f} M initializer values, {len(stats)} regenerated there -> {dst}")


def fill(src, dst, seed=0):
    os.makedirs(dst, exist_ok=True)
    model = onnx.load(os.path.join(src, "skeleton.onnx"))
    with open(os.path.join(src, "skeleton.json")) as f:
        stats = json.load(f)
    rng = np.random.default_rng(seed)
    for t in model.graph.initializer:
        if t.name not in stats:
            continue
        mean, std = stats[t.name]
        dtype = np.float16 if t.data_type == onnx.TensorProto.FLOAT16 else np.float32
        a = rng.normal(mean, std, size=tuple(t.dims)).astype(dtype)
        t.raw_data = a.tobytes()
    onnx.save(model, os.path.join(dst, "model.onnx"))
    shutil.copy(os.path.join(src, "tokens.txt"), dst)
    print(f"filled {len(stats)} tensors -> {dst}/model.onnx")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("strip", "fill"):
        sys.exit(__doc__)
    (strip if sys.argv[1] == "strip" else fill)(sys.argv[2], sys.argv[3])
