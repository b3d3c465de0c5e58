import { readFile } from 'node:fs/promises';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

const SPM_SPACE = '\u2581';
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/**
 * tokens.txt (../shared/MODEL_INTERFACES.md §2.8): `symbol id` per line; a line holding only an id
 * is the space symbol. Display form follows sherpa-onnx: a leading ▁ becomes one space, and
 * SentencePiece byte-fallback pieces `<0xNN>` become raw bytes of UTF-8 text.
 */
export class SymbolTable {
  private readonly byId: Map<number, string>;
  private readonly byText: Map<string, number>;

  private constructor(entries: [string, number][]) {
    this.byId = new Map(entries.map(([s, id]) => [id, s]));
    this.byText = new Map(entries);
  }

  static async load(path: string): Promise<SymbolTable> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new AsrError(ErrorCode.ModelNotFound, `tokens file not found: ${path}`);
    }
    return SymbolTable.parse(text, path);
  }

  static parse(text: string, source = 'tokens.txt'): SymbolTable {
    const entries: [string, number][] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const parts = line.split(/[ \t]+/);
      const [sym, idText] = parts.length === 1 ? [' ', parts[0]] : parts;
      const id = Number(idText);
      if (parts.length > 2 || !Number.isInteger(id) || id < 0) {
        throw new AsrError(ErrorCode.ModelInvalid, `${source}:${i + 1}: expected 'symbol id', got '${line}'`);
      }
      entries.push([sym, id]);
    });
    if (entries.length === 0) throw new AsrError(ErrorCode.ModelInvalid, `${source} is empty`);
    return new SymbolTable(entries);
  }

  /** Number of ids (max id + 1). */
  get size(): number {
    let max = -1;
    for (const id of this.byId.keys()) max = Math.max(max, id);
    return max + 1;
  }

  /** Every (id, raw symbol), in file order. */
  entries(): IterableIterator<[number, string]> {
    return this.byId.entries();
  }

  idOf(symbol: string): number | undefined {
    return this.byText.get(symbol);
  }

  /** The raw symbol as written in tokens.txt. */
  raw(id: number): string {
    const sym = this.byId.get(id);
    if (sym === undefined) throw new AsrError(ErrorCode.ModelInvalid, `token id ${id} is not in tokens.txt`);
    return sym;
  }

  /** The token as sherpa-onnx reports it: leading ▁ → space; a non-printable byte piece stays `<0xNN>`. */
  display(id: number): string {
    const sym = this.raw(id);
    const byte = BYTE_TOKEN.exec(sym);
    if (byte) {
      const b = parseInt(byte[1], 16);
      return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : sym;
    }
    return sym.startsWith(SPM_SPACE) ? ' ' + sym.slice(1) : sym;
  }

  /** Concatenated text of `ids`, byte pieces decoded as UTF-8, trimmed. */
  text(ids: readonly number[]): string {
    const encoder = new TextEncoder();
    const chunks: Uint8Array[] = [];
    for (const id of ids) {
      const sym = this.raw(id);
      const byte = BYTE_TOKEN.exec(sym);
      if (byte) chunks.push(Uint8Array.of(parseInt(byte[1], 16)));
      else chunks.push(encoder.encode(sym.startsWith(SPM_SPACE) ? ' ' + sym.slice(1) : sym));
    }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return new TextDecoder().decode(all).trim();
  }
}
