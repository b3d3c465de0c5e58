import { open } from 'node:fs/promises';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** Model-level `metadata_props` of an ONNX file (key → value); onnxruntime-node does not expose them. */
export type OnnxMetadata = ReadonlyMap<string, string>;

// ModelProto field numbers and protobuf wire types (onnx.proto, protobuf encoding spec).
const METADATA_PROPS_FIELD = 14;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/**
 * Reads the metadata of an ONNX model by walking the top-level ModelProto fields and skipping
 * the (possibly huge) graph without reading it. Throws ModelInvalid if the file is not protobuf.
 */
export async function readOnnxMetadata(path: string): Promise<OnnxMetadata> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const reader = new PositionalReader(file, size, path);
    const meta = new Map<string, string>();
    let pos = 0;
    while (pos < size) {
      const tag = await reader.varint(pos);
      pos = tag.next;
      const field = Number(tag.value >> 3n);
      const wire = Number(tag.value & 7n);
      if (field === 0) throw invalid(path, `field number 0 at byte ${pos}`);
      if (wire === WIRE_VARINT) {
        pos = (await reader.varint(pos)).next;
      } else if (wire === WIRE_FIXED64) {
        pos += 8;
      } else if (wire === WIRE_FIXED32) {
        pos += 4;
      } else if (wire === WIRE_LEN) {
        const len = await reader.varint(pos);
        const start = len.next;
        const end = start + Number(len.value);
        if (end > size) throw invalid(path, `field ${field} runs past the end of the file`);
        if (field === METADATA_PROPS_FIELD) {
          const [key, value] = parseStringEntry(await reader.bytes(start, end - start), path);
          meta.set(key, value);
        }
        pos = end;
      } else {
        throw invalid(path, `unsupported wire type ${wire} at byte ${pos}`);
      }
    }
    if (pos !== size) throw invalid(path, 'truncated');
    return meta;
  } finally {
    await file.close();
  }
}

/** StringStringEntryProto { string key = 1; string value = 2; } */
function parseStringEntry(buf: Uint8Array, path: string): [string, string] {
  let key = '';
  let value = '';
  let pos = 0;
  const decoder = new TextDecoder();
  while (pos < buf.length) {
    const tag = varintAt(buf, pos, path);
    pos = tag.next;
    const field = Number(tag.value >> 3n);
    if (Number(tag.value & 7n) !== WIRE_LEN) throw invalid(path, 'metadata entry is not a string pair');
    const len = varintAt(buf, pos, path);
    const end = len.next + Number(len.value);
    if (end > buf.length) throw invalid(path, 'metadata entry runs past its end');
    const text = decoder.decode(buf.subarray(len.next, end));
    if (field === 1) key = text;
    else if (field === 2) value = text;
    pos = end;
  }
  return [key, value];
}

interface Varint {
  value: bigint;
  next: number;
}

function varintAt(buf: Uint8Array, pos: number, path: string): Varint {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw invalid(path, 'truncated varint');
    const b = buf[pos + i];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw invalid(path, 'malformed varint');
}

/** Small positional reads, so a multi-GB graph is skipped without being loaded. */
class PositionalReader {
  constructor(
    private readonly file: Awaited<ReturnType<typeof open>>,
    private readonly size: number,
    private readonly path: string,
  ) {}

  async bytes(start: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    const { bytesRead } = await this.file.read(buf, 0, length, start);
    if (bytesRead !== length) throw invalid(this.path, 'truncated');
    return buf;
  }

  async varint(pos: number): Promise<Varint> {
    const buf = await this.bytes(pos, Math.min(10, this.size - pos));
    const v = varintAt(buf, 0, this.path);
    return { value: v.value, next: pos + v.next };
  }
}

function invalid(path: string, why: string): AsrError {
  return new AsrError(ErrorCode.ModelInvalid, `${path} is not a valid ONNX model (${why})`);
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
