import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { UTF8, WIRE_LEN, bufferFields, fileFields, withFileReader } from './protobuf-reader.ts';

/** Model-level `metadata_props` of an ONNX file (key → value); onnxruntime-node does not expose them. */
export type OnnxMetadata = ReadonlyMap<string, string>;

// ModelProto field number (onnx.proto).
const METADATA_PROPS_FIELD = 14;

/**
 * Reads the metadata of an ONNX model by walking the top-level ModelProto fields and skipping
 * the (possibly huge) graph without reading it. Throws ModelInvalid if the file is not protobuf.
 */
export async function readOnnxMetadata(path: string): Promise<OnnxMetadata> {
  return withFileReader(path, (reader) => {
    const meta = new Map<string, string>();
    for (const f of fileFields(reader, 0, reader.size)) {
      if (f.field === METADATA_PROPS_FIELD && f.wire === WIRE_LEN) {
        const [key, value] = parseStringEntry(reader.bytes(f.start, f.end - f.start), path);
        meta.set(key, value);
      }
    }
    return meta;
  });
}

/** StringStringEntryProto { string key = 1; string value = 2; } */
function parseStringEntry(buf: Uint8Array, path: string): [string, string] {
  let key = '';
  let value = '';
  for (const f of bufferFields(buf, path)) {
    if (f.wire !== WIRE_LEN) throw new AsrError(ErrorCode.ModelInvalid, `${path}: a metadata entry is not a string pair`);
    const text = UTF8.decode(buf.subarray(f.start, f.end));
    if (f.field === 1) key = text;
    else if (f.field === 2) value = text;
  }
  return [key, value];
}

/** A required integer metadata value; a missing or malformed key is a ModelInvalid naming it. */
export function requireInt(meta: OnnxMetadata, key: string, path: string): number {
  const raw = meta.get(key);
  if (raw === undefined) throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata key '${key}' is missing`);
  const n = Number(raw.trim());
  if (!Number.isInteger(n)) throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}'='${raw}' is not an integer`);
  return n;
}

/** A required comma-separated integer list (zipformer2 per-stack values). */
export function requireIntList(meta: OnnxMetadata, key: string, path: string): number[] {
  const raw = meta.get(key);
  if (raw === undefined) throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata key '${key}' is missing`);
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n))) {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}'='${raw}' is not a list of integers`);
  }
  return list;
}

/** A required comma-separated float32 list (empty pieces skipped, as sherpa-onnx's SplitStringToFloats). */
export function requireFloatList(meta: OnnxMetadata, key: string, path: string): Float32Array {
  const raw = meta.get(key);
  if (raw === undefined) throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata key '${key}' is missing`);
  const pieces = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const list = pieces.map(Number);
  if (list.length === 0 || list.some((n) => !Number.isFinite(n))) {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}' is not a list of numbers`);
  }
  return Float32Array.from(list);
}
