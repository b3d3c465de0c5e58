import { describe, expect, it } from 'vitest';
import { paraformerText } from './paraformer-text.ts';

// Expected strings are what sherpa-onnx's online Paraformer returns (leading space included).
describe('paraformerText', () => {
  it('joins CJK characters and spaces ASCII words', () => {
    expect(paraformerText(['你', '好'])).toBe('你好');
    expect(paraformerText(['hello', 'world'])).toBe(' hello world');
  });

  it('joins a piece ending in @@ to the next token', () => {
    expect(paraformerText(['th@@', 'ing', 'is'])).toBe(' thing is');
    expect(paraformerText(['pro@@', 'ces@@', 'sing'])).toBe(' processing');
  });

  it('puts a space where ASCII meets non-ASCII, either way', () => {
    expect(paraformerText(['我', 'love', '你'])).toBe('我 love 你');
    expect(paraformerText(['on@@', '得'])).toBe(' on 得');
  });

  it('tests bytes as the C++ code does', () => {
    // Two bytes ending in '@' count as "@@" and lose both; '中@' has four bytes and is a token as is.
    expect(paraformerText(['a@', 'b'])).toBe(' b');
    expect(paraformerText(['中@', 'x'])).toBe('中@ x');
  });

  it('is empty for no tokens', () => {
    expect(paraformerText([])).toBe('');
  });
});
