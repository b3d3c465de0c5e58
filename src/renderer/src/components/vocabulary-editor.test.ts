import { describe, expect, it } from 'vitest';
import { MAX_HOTWORDS } from '../../../shared/protocol/codec.ts';
import { parseVocabulary } from './vocabulary-editor.tsx';

describe('parseVocabulary', () => {
  it('keeps one trimmed entry per line, without blanks or case-insensitive repeats', () => {
    expect(parseVocabulary('  Kubernetes \n\nAda   Lovelace\nkubernetes\n')).toEqual(['Kubernetes', 'Ada Lovelace']);
  });

  it('keeps at most the number of hotwords the gateway accepts', () => {
    const many = Array.from({ length: MAX_HOTWORDS + 5 }, (_, i) => `w${i}`).join('\n');
    expect(parseVocabulary(many)).toHaveLength(MAX_HOTWORDS);
  });
});
