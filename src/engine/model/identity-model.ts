/**
 * The bytes of a one-node ONNX model, y = Identity(x), for one element type and any shape (the
 * value infos carry no shape, so any rank goes). Encoded by hand in the protobuf wire format —
 * a handful of fields of onnx.proto's ModelProto — so the engine needs no .onnx file for it.
 */

/** onnx.proto TensorProto.DataType values this engine reads back from a device. */
export const ONNX_ELEM_TYPE = { float32: 1, int64: 7 } as const;

const IR_VERSION = 8;
const OPSET = 13;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function varintField(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

function bytesField(field: number, payload: readonly number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, [...new TextEncoder().encode(text)]);
}

/** ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type } } }, no shape. */
function valueInfo(name: string, elemType: number): number[] {
  const tensorType = varintField(1, elemType);
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

export function identityModel(elemType: number): Uint8Array {
  const node = [...stringField(1, 'x'), ...stringField(2, 'y'), ...stringField(3, 'identity'), ...stringField(4, 'Identity')];
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, 'read_back'),
    ...bytesField(11, valueInfo('x', elemType)),
    ...bytesField(12, valueInfo('y', elemType)),
  ];
  const opset = [...stringField(1, ''), ...varintField(2, OPSET)];
  return Uint8Array.from([...varintField(1, IR_VERSION), ...stringField(2, 'earshot'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}
