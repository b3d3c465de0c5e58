import { useEffect, useState, type JSX } from 'react';
import { MAX_HOTWORDS } from '../../../shared/protocol/codec.ts';

/** One entry per line, trimmed, without blanks or repeats (case-insensitive), at most MAX_HOTWORDS. */
export function parseVocabulary(text: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const line of text.split('\n')) {
    const word = line.trim().replace(/\s+/g, ' ');
    if (word === '' || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    words.push(word);
  }
  return words.slice(0, MAX_HOTWORDS);
}

/**
 * Custom vocabulary: words the recognizer should favour (names, jargon), one per line, saved
 * when the field loses focus. They reach the server as protocol v1 `hotwords`.
 */
export function VocabularyEditor({ words, onChange }: { words: readonly string[]; onChange(words: string[]): void }): JSX.Element {
  const text = words.join('\n');
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);
  const commit = () => {
    const next = parseVocabulary(draft);
    if (next.join('\n') !== text) onChange(next);
    else setDraft(text);
  };
  return (
    <fieldset className="vocabulary">
      <legend>Custom vocabulary</legend>
      <label className="field">
        <span>Words and names to favour, one per line</span>
        <textarea rows={4} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} spellCheck={false} />
      </label>
      <p className="muted">
        Works with beam search, which the app's own engine always uses (a team server may not); up to {MAX_HOTWORDS} entries.
      </p>
    </fieldset>
  );
}
