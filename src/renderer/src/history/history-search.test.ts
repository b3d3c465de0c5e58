import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../shared/history-entry.ts';
import { matchesSearch, searchHistory, searchWords } from './history-search.ts';

const entry = (id: number, text: string, createdAt = id * 1000): HistoryEntry => ({ id, text, createdAt, durationMs: 1000, model: 'm', mode: 'local', segments: [] });

describe('history search', () => {
  it('splits text into lower-case words, keeping apostrophes', () => {
    expect(searchWords("Don't STOP, dictation-app 42!")).toEqual(["don't", 'stop', 'dictation', 'app', '42']);
  });

  it('matches every query word as a word prefix, in any order, ignoring case and punctuation', () => {
    const text = 'Meeting notes: the Dictation app works offline.';
    expect(matchesSearch(text, 'dict')).toBe(true);
    expect(matchesSearch(text, 'OFFLINE meeting')).toBe(true);
    expect(matchesSearch(text, 'notes, works!')).toBe(true);
    expect(matchesSearch(text, 'tation')).toBe(false);
    expect(matchesSearch(text, 'meeting online')).toBe(false);
    expect(matchesSearch(text, '   ')).toBe(true);
  });

  it('matches words in other scripts', () => {
    expect(matchesSearch('Grüße aus München', 'münch')).toBe(true);
  });

  it('lists newest first with paging and the total of matches', () => {
    const entries = [entry(1, 'alpha one'), entry(2, 'beta two'), entry(3, 'alpha three'), entry(4, 'alpha four')];
    expect(searchHistory(entries, 'alpha', 2, 0)).toEqual({ entries: [entries[3], entries[2]], total: 3 });
    expect(searchHistory(entries, 'alpha', 2, 2)).toEqual({ entries: [entries[0]], total: 3 });
    expect(searchHistory(entries, undefined, 10, 0).entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });
});
