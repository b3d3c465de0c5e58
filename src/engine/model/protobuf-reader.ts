import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

// Protobuf wire types (protobuf encoding spec): enough to walk an ONNX file without a schema.
export const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** One field of a message: its number, wire type, and either a varint or a byte range. */
export interface Field {
  field: number;
  wire: number;
  /** The value of a varint field (exact up to 2^53, more than any size or enum in an ONNX file). */
  value: number;
  /** Byte range [start, end) of a length-delimited field's payload. */
  start: number;
  end: number;
}

interface Varint {
  value: number;
  next: number;
}

/** UTF-8 string fields (names, metadata). */
export const UTF8 = new TextDecoder();

/** A ModelInvalid naming the file: every malformed byte of an ONNX file ends up here. */
export function notOnnx(path: string, why: string): AsrError {
  return new AsrError(ErrorCode.ModelInvalid, `${path} is not a valid ONNX model (${why})`);
}

export function varintAt(buf: Uint8Array, pos: number, path: string): Varint {
  let value = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw notOnnx(path, 'truncated varint');
    const b = buf[pos + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
  }
  throw notOnnx(path, 'malformed varint');
}

/** The fields of a message held in memory (small ones: a metadata entry, a value info). */
export function* bufferFields(buf: Uint8Array, path: string): Generator<Field> {
  let pos = 0;
  while (pos < buf.length) {
    const f = nextField(buf.length, pos, path, (at) => varintAt(buf, at, path));
    yield f.field;
    pos = f.next;
  }
}

/** The fields of the message in bytes [from, to) of a file. */
export function* fileFields(reader: PositionalReader, from: number, to: number): Generator<Field> {
  let pos = from;
  while (pos < to) {
    const f = nextField(to, pos, reader.path, (at) => reader.varint(at));
    yield f.field;
    pos = f.next;
  }
}

function nextField(end: number, pos: number, path: string, varint: (at: number) => Varint): { field: Field; next: number } {
  const tag = varint(pos);
  const number = Math.floor(tag.value / 8);
  const wire = tag.value % 8;
  if (number === 0) throw notOnnx(path, `field number 0 at byte ${pos}`);
  const field: Field = { field: number, wire, value: 0, start: tag.next, end: tag.next };
  if (wire === WIRE_VARINT) {
    const v = varint(tag.next);
    field.value = v.value;
    field.end = v.next;
  } else if (wire === WIRE_FIXED64) {
    field.end = tag.next + 8;
  } else if (wire === WIRE_FIXED32) {
    field.end = tag.next + 4;
  } else if (wire === WIRE_LEN) {
    const len = varint(tag.next);
    field.start = len.next;
    field.end = len.next + len.value;
  } else {
    throw notOnnx(path, `unsupported wire type ${wire} at byte ${pos}`);
  }
  if (field.end > end) throw notOnnx(path, `field ${number} runs past the end of its message`);
  return { field, next: field.end };
}

/**
 * Positional reads of a file through a small read-ahead block, so that walking the hundreds of
 * node and initializer headers of a graph costs few system calls and a multi-GB graph is skipped
 * without being loaded. Synchronous: a model is opened synchronously right after anyway, and a
 * few sync reads cost far less than an await per field.
 */
export class PositionalReader {
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    readonly path: string,
  ) {}

  bytes(start: number, length: number): Uint8Array {
    if (start < 0 || start + length > this.size) throw notOnnx(this.path, 'truncated');
    const offset = start - this.blockStart;
    if (offset >= 0 && offset + length <= this.block.length) return this.block.subarray(offset, offset + length);
    if (length > READ_AHEAD) return this.read(start, length);
    this.block = this.read(start, Math.min(READ_AHEAD, this.size - start));
    this.blockStart = start;
    return this.block.subarray(0, length);
  }

  varint(pos: number): Varint {
    const v = varintAt(this.bytes(pos, Math.min(10, this.size - pos)), 0, this.path);
    return { value: v.value, next: pos + v.next };
  }

  private read(start: number, length: number): Uint8Array {
    const buf = new Uint8Array(length);
    if (readSync(this.fd, buf, 0, length, start) !== length) throw notOnnx(this.path, 'truncated');
    return buf;
  }
}

const READ_AHEAD = 16 * 1024;

/** Opens `path`, hands a reader over the whole file to `read`, and closes the file again. */
export function withFileReader<T>(path: string, read: (reader: PositionalReader) => T): T {
  const fd = openSync(path, 'r');
  try {
    return read(new PositionalReader(fd, fstatSync(fd).size, path));
  } finally {
    closeSync(fd);
  }
}
