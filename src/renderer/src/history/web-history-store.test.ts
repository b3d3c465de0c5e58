import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { MemoryStorage } from './memory-storage.ts';
import { WebHistoryStore } from './web-history-store.ts';

const dictation = (text: string, createdAt?: number) => ({
  text,
  durationMs: 1500,
  model: 'earshot-en-small',
  mode: 'local' as const,
  segments: [{ text, start: 0, end: 1.5 }],
  ...(createdAt !== undefined && { createdAt }),
});

describe('WebHistoryStore', () => {
  it('adds, lists newest first, searches, deletes and clears; survives a reload of the page', () => {
    const storage = new MemoryStorage();
    let clock = 1000;
    const store = new WebHistoryStore(storage, () => clock++);
    const a = store.add(dictation('Hello world.'));
    const b = store.add(dictation('Buy milk and bread.'));
    expect(a).toMatchObject({ id: 1, createdAt: 1000, text: 'Hello world.' });
    expect(b.id).toBe(2);

    const reloaded = new WebHistoryStore(storage);
    expect(reloaded.list({}).entries.map((e) => e.id)).toEqual([2, 1]);
    expect(reloaded.list({ search: 'mil' })).toMatchObject({ total: 1, entries: [{ id: 2 }] });
    expect(reloaded.get([1])).toEqual([a]);

    expect(reloaded.delete([1, 99])).toBe(1);
    expect(reloaded.list({}).total).toBe(1);
    // Ids are never reused after a delete.
    expect(reloaded.add(dictation('again')).id).toBe(3);
    expect(reloaded.clear()).toBe(2);
    expect(reloaded.list({}).total).toBe(0);
  });

  it('keeps a given creation time', () => {
    const store = new WebHistoryStore(new MemoryStorage());
    expect(store.add(dictation('x', 42)).createdAt).toBe(42);
  });

  it('rejects invalid entries and queries with a coded error', () => {
    const store = new WebHistoryStore(new MemoryStorage());
    expect(() => store.add({ ...dictation('x'), durationMs: -1 })).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    expect(() => store.list({ limit: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.BadRequest }));
    expect(store.list({}).total).toBe(0);
  });

  it('evicts the oldest entries, and counts them, when the storage quota is reached', () => {
    const store = new WebHistoryStore(new MemoryStorage(4000));
    for (let i = 0; i < 40; i++) store.add(dictation(`dictation number ${i} with some words`));
    const kept = store.list({ limit: 1000 }).entries;
    expect(store.evicted).toBeGreaterThan(0);
    expect(kept.length + store.evicted).toBe(40);
    // The newest survive.
    expect(kept[0].text).toBe('dictation number 39 with some words');
  });

  it('caps the number of entries', () => {
    const store = new WebHistoryStore(new MemoryStorage(), Date.now, 3);
    for (let i = 0; i < 5; i++) store.add(dictation(`n${i}`));
    expect(store.list({}).entries.map((e) => e.text)).toEqual(['n4', 'n3', 'n2']);
    expect(store.evicted).toBe(2);
  });

  it('reports damaged storage instead of silently discarding it', () => {
    const storage = new MemoryStorage();
    storage.setItem('earshot.history.v1', '{not json');
    expect(() => new WebHistoryStore(storage).list({})).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
  });
});
