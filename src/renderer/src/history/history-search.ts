import type { HistoryEntry, HistoryPage } from '../../../shared/history-entry.ts';

/** Lower-case words of a text (letters, digits, apostrophes), the unit search matches on. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu) ?? [];
}

/**
 * Full-text match like the desktop store's: every query word must start some word of the
 * entry (so "dict" finds "dictation"), in any order, ignoring case and punctuation.
 */
export function matchesSearch(text: string, query: string): boolean {
  const terms = searchWords(query);
  if (terms.length === 0) return true;
  const words = searchWords(text);
  return terms.every((t) => words.some((w) => w.startsWith(t)));
}

/** Newest first, filtered and paged, with the total number of matches. */
export function searchHistory(entries: readonly HistoryEntry[], search: string | undefined, limit: number, offset: number): HistoryPage {
  const matching = entries.filter((e) => matchesSearch(e.text, search ?? '')).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  return { entries: matching.slice(offset, offset + limit), total: matching.length };
}
