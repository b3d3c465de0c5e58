"""Identity graphs with the state inputs of a streaming encoder, for bench/ort-overhead.

    /usr/bin/python3 bench/ort-overhead/make-identity-models.py ENCODER.onnx OUT_DIR

Writes OUT_DIR/identity-all.onnx (one Identity per input of ENCODER.onnx: the same names, types
and shapes, symbolic dims kept) and OUT_DIR/identity-one.onnx (a single float32 input of the same
total size at batch 1). Running both through onnxruntime-node separates the per-tensor cost of a
call (JS <-> native conversion of each input and output) from the per-byte cost (copies).
"""
import sys

import onnx
from onnx import TensorProto, helper

SIZE = {TensorProto.FLOAT: 4, TensorProto.INT64: 8, TensorProto.INT32: 4}


def main(encoder_path, out_dir):
    graph = onnx.load(encoder_path, load_external_data=False).graph
    initializers = {i.name for i in graph.initializer}
    inputs, outputs, nodes, total = [], [], [], 0
    for value in graph.input:
        if value.name in initializers:
            continue
        t = value.type.tensor_type
        shape = [d.dim_param or d.dim_value for d in t.shape.dim]
        inputs.append(helper.make_tensor_value_info(value.name, t.elem_type, shape))
        outputs.append(helper.make_tensor_value_info(value.name + "_out", t.elem_type, shape))
        nodes.append(helper.make_node("Identity", [value.name], [value.name + "_out"]))
        count = 1
        for d in shape:
            count *= d if isinstance(d, int) and d > 0 else 1
        total += count * SIZE.get(t.elem_type, 4)
    save(helper.make_graph(nodes, "identity_all", inputs, outputs), f"{out_dir}/identity-all.onnx")
    n = total // 4
    one = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity_one",
                            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])],
                            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n])])
    save(one, f"{out_dir}/identity-one.onnx")
    print(f"{len(inputs)} inputs, {total} bytes at batch 1")


def save(graph, path):
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: make-identity-models.py ENCODER.onnx OUT_DIR")
    main(sys.argv[1], sys.argv[2])
