"""A streaming encoder whose float states travel as ONE (N, S) tensor, for bench/ort-overhead.

    /usr/bin/python3 bench/ort-overhead/make-packed-encoder.py ENCODER.onnx OUT.onnx

The experiment behind BENCHMARKS.md (session 6): does packing a zipformer2's 73 float states
into one input and one output save onnxruntime-node's per-tensor cost? Input side, per state:
Slice its columns of `packed`, Reshape to the state's per-stream shape with the batch first, and
Transpose the batch to the state's own axis; output side the reverse, then one Concat into
`packed_out`. The original graph is untouched in between, so outputs are identical.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(src, dst):
    model = onnx.load(src)
    g = model.graph
    initializers = {i.name for i in g.initializer}
    inputs = [i for i in g.input if i.name not in initializers]
    x, states, outputs = inputs[0], inputs[1:], list(g.output)
    pairs = list(zip(states, outputs[1:]))
    floats = [p for p in pairs if p[0].type.tensor_type.elem_type == TensorProto.FLOAT]
    others = [p for p in pairs if p[0].type.tensor_type.elem_type != TensorProto.FLOAT]
    before, after, consts, offset = [], [], [], 0

    def const(name, values):
        consts.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
        return name

    for k, (inp, out) in enumerate(floats):
        dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
        axis = next(j for j, d in enumerate(dims) if isinstance(d, str))
        rest = [d for j, d in enumerate(dims) if j != axis]
        size = int(np.prod(rest))
        p = f"pack{k}"
        before.append(helper.make_node("Slice", ["packed", const(p + "_from", [offset]),
                                                 const(p + "_to", [offset + size]), const(p + "_axis", [1])],
                                       [p + "_cols"]))
        shaped = inp.name if axis == 0 else p + "_batch_first"
        before.append(helper.make_node("Reshape", [p + "_cols", const(p + "_shape", [-1] + rest)], [shaped]))
        flat_in = out.name
        if axis != 0:
            to_axis = list(range(1, axis + 1)) + [0] + list(range(axis + 1, len(dims)))
            before.append(helper.make_node("Transpose", [shaped], [inp.name], perm=to_axis))
            from_axis = [axis] + [j for j in range(len(dims)) if j != axis]
            after.append(helper.make_node("Transpose", [out.name], [p + "_out_batch_first"], perm=from_axis))
            flat_in = p + "_out_batch_first"
        after.append(helper.make_node("Reshape", [flat_in, const(p + "_rows", [0, -1])], [p + "_out_cols"]))
        offset += size
    after.append(helper.make_node("Concat", [f"pack{k}_out_cols" for k in range(len(floats))],
                                  ["packed_out"], axis=1))
    body = list(g.node)
    del g.node[:]
    g.node.extend(before + body + after)
    packed = helper.make_tensor_value_info("packed", TensorProto.FLOAT, ["N", offset])
    packed_out = helper.make_tensor_value_info("packed_out", TensorProto.FLOAT, ["N", offset])
    new_inputs = [x, packed] + [i for i, _ in others]
    new_outputs = [outputs[0], packed_out] + [o for _, o in others]
    del g.input[:]
    g.input.extend(new_inputs)
    del g.output[:]
    g.output.extend(new_outputs)
    g.initializer.extend(consts)
    onnx.save(model, dst)
    print(f"{len(floats)} float states packed, {offset} floats per stream")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: make-packed-encoder.py ENCODER.onnx OUT.onnx")
    main(sys.argv[1], sys.argv[2])
