import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { SymbolTable } from './symbol-table.ts';

describe('SymbolTable', () => {
  it('loads tokens.txt and renders text as sherpa-onnx does', async () => {
    const t = await SymbolTable.load(join(FIXTURE_MODELS.zipformer2, 'tokens.txt'));
    expect(t.idOf('<blk>')).toBe(0);
    expect(t.idOf('<unk>')).toBe(2);
    expect(t.size).toBe(103);
    const the = t.idOf('\u2581THE') as number;
    const s = t.idOf('S') as number;
    expect(t.display(the)).toBe(' THE');
    expect(t.text([the, s, the])).toBe('THES THE');
  });

  it('reads a bare id as the space symbol and tolerates CRLF and blank lines', () => {
    const t = SymbolTable.parse('<blk> 0\r\n\r\n5\r\na 1\n');
    expect(t.raw(5)).toBe(' ');
    expect(t.raw(1)).toBe('a');
    expect(t.size).toBe(6);
  });

  it('decodes SentencePiece byte-fallback pieces as UTF-8', () => {
    const t = SymbolTable.parse(['<blk> 0', '<0xC3> 1', '<0xA9> 2', '\u2581caf 3', '<0x41> 4', '<0x0A> 5'].join('\n'));
    expect(t.text([3, 1, 2])).toBe('café');
    expect(t.display(4)).toBe('A');
    expect(t.display(5)).toBe('<0x0A>');
  });

  it('rejects malformed lines and unknown ids with ModelInvalid', () => {
    expect(() => SymbolTable.parse('a 0\nb c d\n')).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID', message: expect.stringMatching(/:2:/) }));
    expect(() => SymbolTable.parse('a x')).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID' }));
    expect(() => SymbolTable.parse('\n\n')).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID' }));
    expect(() => SymbolTable.parse('a 0').raw(7)).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID' }));
  });

  it('throws ModelNotFound for a missing file', async () => {
    await expect(SymbolTable.load('/nonexistent/tokens.txt')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
  });
});
