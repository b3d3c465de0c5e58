import type { ValueInfo } from './session-io.ts';
import { UTF8, WIRE_LEN, WIRE_VARINT, bufferFields, fileFields, withFileReader } from './protobuf-reader.ts';

/**
 * A graph output as the ONNX file declares it, read without opening an ORT session: ValueInfo's
 * fields, each undefined when the file leaves the type to inference (`isTensor` is false for a
 * sequence, map or optional; `type` names the element type as onnxruntime-node does).
 */
export interface GraphOutput extends Partial<Pick<ValueInfo, 'isTensor' | 'type'>> {
  name: string;
}

// Field numbers of onnx.proto: ModelProto.graph, GraphProto.output, ValueInfoProto.name/type,
// TypeProto.tensor_type and TypeProto.Tensor.elem_type.
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_ELEM_TYPE = 1;

/** TensorProto.DataType → onnxruntime-node's type names. */
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/**
 * The outputs of an ONNX model's main graph, in order: lets the session factory pick a binding
 * before opening the model, instead of opening it once to look and again to run. Walks the file
 * the way readOnnxMetadata does, skipping nodes and initializers. Throws ModelInvalid if the file
 * is not protobuf.
 */
export async function readGraphOutputs(path: string): Promise<GraphOutput[]> {
  return withFileReader(path, (reader) => {
    const outputs: GraphOutput[] = [];
    for (const m of fileFields(reader, 0, reader.size)) {
      if (m.field !== MODEL_GRAPH || m.wire !== WIRE_LEN) continue;
      for (const g of fileFields(reader, m.start, m.end)) {
        if (g.field === GRAPH_OUTPUT && g.wire === WIRE_LEN) {
          outputs.push(parseValueInfo(reader.bytes(g.start, g.end - g.start), path));
        }
      }
    }
    return outputs;
  });
}

function parseValueInfo(buf: Uint8Array, path: string): GraphOutput {
  const out: GraphOutput = { name: '' };
  for (const f of bufferFields(buf, path)) {
    if (f.field === VALUE_INFO_NAME && f.wire === WIRE_LEN) out.name = UTF8.decode(buf.subarray(f.start, f.end));
    if (f.field !== VALUE_INFO_TYPE || f.wire !== WIRE_LEN) continue;
    const type = buf.subarray(f.start, f.end);
    out.isTensor = false;
    for (const t of bufferFields(type, path)) {
      if (t.field !== TYPE_TENSOR || t.wire !== WIRE_LEN) continue; // sequence, map, optional...
      out.isTensor = true;
      for (const e of bufferFields(type.subarray(t.start, t.end), path)) {
        if (e.field === TENSOR_ELEM_TYPE && e.wire === WIRE_VARINT) out.type = ELEMENT_TYPES[e.value] ?? `onnx-type-${e.value}`;
      }
    }
  }
  return out;
}
